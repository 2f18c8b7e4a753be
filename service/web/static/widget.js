/*
 * Vraagbaak widget: one script tag on any page, or the full page at /widget/.
 *
 *   <script src="https://host/widget.js" data-api="https://host" data-mode="citizen" defer></script>
 *
 * adds a launcher button and a chat panel to the page: the custom element
 * <vraagbaak-widget>, whose shadow DOM keeps the host's styles out and its own in. No
 * framework, no build step, no inline script or style (it runs under a strict CSP).
 * The full page holds <vraagbaak-widget layout="page"> itself and gets no launcher.
 *
 * The server is stateless: the conversation travels with each question and is kept in
 * sessionStorage (this tab only, gone when it closes), never in a URL or the console.
 * Text from the API is inserted with textContent only.
 */
(function () {
  "use strict";

  // Mirrors service/web/schemas.py: the API rejects anything beyond these limits with a 422.
  var MAX_QUESTION_CHARS = 1000;
  var MAX_HISTORY_TURNS = 20;
  var MAX_TURN_CHARS = 4 * MAX_QUESTION_CHARS;
  var MAX_HISTORY_CHARS = 20000;
  var MAX_COMMENT_CHARS = 1000;
  var MAX_KEPT_ANSWERS = 20;
  var MAX_SUGGESTIONS = 6;
  var TIMEOUT_MS = 60000;
  var COUNT_ANNOUNCE_BELOW = 100;
  var COUNT_ANNOUNCE_DELAY_MS = 800;
  var TAG = "vraagbaak-widget";

  // Every sentence the widget says itself, in plain Dutch (B1).
  var TEXT = {
    title: "Vraagbaak jaarverslag",
    open: "Vraag het de vraagbaak",
    close: "Sluiten",
    closeLabel: "Sluit de vraagbaak",
    intro: "Heeft u een vraag over het jaarverslag van de gemeente? Stel hem hier. " +
      "U krijgt cijfers of tekst uit het verslag, met de bron erbij.",
    introLimits: "De vraagbaak geeft geen mening en geen advies. " +
      "Zet geen persoonlijke gegevens in uw vraag, zoals uw naam of adres.",
    introStaff: "Medewerkersversie: u ziet ook hoe de vraag is begrepen en hoe het antwoord " +
      "is gevonden, en u kunt het antwoord met bronnen kopiëren voor een raadsbrief.",
    suggestions: "Voorbeelden van vragen",
    conversation: "Gesprek",
    scrollArea: "Gesprek met de vraagbaak",
    busy: "Bezig met zoeken…",
    newConversation: "Nieuw gesprek",
    newConversationDone: "Nieuw gesprek gestart. Eerdere vragen zijn gewist.",
    questionLabel: "Uw vraag",
    answerLabel: "Antwoord",
    fieldLabel: "Uw vraag",
    hint: "Enter verstuurt de vraag. Shift en Enter geeft een nieuwe regel.",
    send: "Verstuur",
    resolved: "Begrepen als: ",
    route: "Gevonden via: ",
    routes: { table: "een tabel", text: "de tekst", refusal: "geen antwoord gevonden" },
    warning: "Let op: het verslag spreekt zichzelf hier tegen",
    sources: "Bronnen",
    source: "Bron",
    sourceLinkLabel: function (n) { return "bron " + n; },
    section: "Deel van het verslag: ",
    document: "Verslag: ",
    newTab: " (opent in een nieuw tabblad)",
    tableRowHeader: "Regel",
    tableValueHeader: "Waarde",
    copy: "Kopieer antwoord met bronnen",
    copied: "Het antwoord en de bronnen zijn gekopieerd.",
    copyFailed: "Kopiëren lukte niet. Selecteer de tekst en kopieer hem zelf.",
    clipboardSources: "Bronnen:",
    feedbackQuestion: "Had u iets aan dit antwoord?",
    feedbackUp: "Ja",
    feedbackDown: "Nee",
    feedbackThanks: "Bedankt voor uw reactie.",
    feedbackComment: "Wilt u nog iets uitleggen? Dat mag, maar hoeft niet.",
    feedbackSend: "Verstuur uitleg",
    feedbackFailed: "Uw reactie is niet goed aangekomen. Probeer het opnieuw.",
    empty: "Stel een vraag: het vraagveld is leeg.",
    tooLong: function (over) {
      return "De vraag is te lang. Gebruik hoogstens " + MAX_QUESTION_CHARS +
        " tekens. Haal er nog " + over + " " + (over === 1 ? "teken" : "tekens") + " af.";
    },
    remaining: function (n) { return "nog " + n + " " + (n === 1 ? "teken" : "tekens"); },
    over: function (n) { return n + " " + (n === 1 ? "teken" : "tekens") + " te veel"; },
    unreachable: "De vraagbaak is even niet bereikbaar. Probeer het over een paar minuten opnieuw.",
    timeout: "Het zoeken duurde te lang. Probeer het opnieuw, of stel een kortere vraag.",
    internal: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
    badAnswer: "Het antwoord kwam niet goed binnen. Probeer het opnieuw.",
    retry: "Probeer opnieuw"
  };

  // The script's own address gives the API base when data-api is missing: the service
  // serves this file at /widget.js and /widget/widget.js, also behind a path prefix.
  var script = document.currentScript;
  var scriptBase = script && script.src ?
    script.src.replace(/[?#].*$/, "").replace(/(?:widget\/)?widget\.js$/, "") : "";
  var defaults = {
    api: script && script.dataset.api ? script.dataset.api : scriptBase,
    mode: script && script.dataset.mode === "staff" ? "staff" : "citizen"
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // The server counts Unicode code points (Python len), not UTF-16 units.
  function charCount(text) {
    return Array.from(text).length;
  }

  function clip(text, limit) {
    var chars = Array.from(text);
    return chars.length > limit ? chars.slice(0, limit).join("") : text;
  }

  function oneLine(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // The newest turns that fit the API's limits (turns and characters), oldest dropped first.
  function recentHistory(history) {
    var turns = history.slice(-MAX_HISTORY_TURNS);
    var total = turns.reduce(function (sum, turn) { return sum + charCount(turn.content); }, 0);
    // Whole exchanges only: the history never starts with an answer.
    while (turns.length && (total > MAX_HISTORY_CHARS || turns[0].role !== "user")) {
      total -= charCount(turns.shift().content);
    }
    return turns;
  }

  // ----- Plain text of an answer, for the clipboard -----------------------------------

  function citationText(citation) {
    var quote = citation.table_row || citation.quote;
    return "[" + citation.id + "] " + (citation.title || citation.document) + ", " +
      citation.section.split(" > ").join(", ") + ": \u201c" + oneLine(quote) + "\u201d";
  }

  function clipboardText(body) {
    var lines = [body.answer.trim()];
    var citations = Array.isArray(body.citations) ? body.citations : [];
    if (citations.length) {
      lines.push("", TEXT.clipboardSources);
      citations.forEach(function (c) { lines.push(citationText(c)); });
    }
    return lines.join("\n");
  }

  // ----- The element -----------------------------------------------------------------

  class Widget extends HTMLElement {}

  Widget.prototype.connectedCallback = function () {
    if (this.shadowRoot) {
      return;
    }
    var api = (this.getAttribute("api") || defaults.api || "").replace(/\/?$/, "/");
    this.api = api;
    this.mode = (this.getAttribute("mode") || defaults.mode) === "staff" ? "staff" : "citizen";
    this.layout = this.getAttribute("layout") === "page" ? "page" : "launcher";
    this.storageKey = "vraagbaak:" + api + ":" + this.mode;
    this.state = { history: [], turns: [], open: false };
    this.turnNumber = 0;
    this.pending = null;
    this.retry = null;
    this.countTimer = null;
    this.build();
    this.restore();
    this.checkHealth();
  };

  Widget.prototype.url = function (path) {
    return this.api + path;
  };

  Widget.prototype.build = function () {
    var self = this;
    var root = this.attachShadow({ mode: "open" });
    var page = this.layout === "page";
    // The stylesheet comes from where the script came from, so it loads even when the API
    // cannot be reached (and the honest error is shown styled).
    var style = element("link");
    style.rel = "stylesheet";
    style.href = (scriptBase || api) + "widget/widget.css";
    root.appendChild(style);

    var frame = element("div", "vb vb--" + this.layout + " vb--" + this.mode);
    frame.lang = "nl";
    frame.dir = "ltr";
    root.appendChild(frame);
    this.frame = frame;

    if (!page) {
      this.launcher = element("button", "launcher", TEXT.open);
      this.launcher.type = "button";
      this.launcher.setAttribute("aria-expanded", "false");
      this.launcher.setAttribute("aria-controls", "panel");
      this.launcher.addEventListener("click", function () { self.setOpen(true); });
      frame.appendChild(this.launcher);
    }

    var panel = element(page ? "div" : "section", "panel");
    panel.id = "panel";
    if (!page) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "false");
      panel.setAttribute("aria-labelledby", "panel-title");
      panel.hidden = true;
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          self.setOpen(false);
        }
      });
    }
    this.panel = panel;
    frame.appendChild(panel);

    var head = element("header", "panel__head");
    var title = element(page ? "h1" : "h2", "panel__title", this.getAttribute("heading") || TEXT.title);
    title.id = "panel-title";
    head.appendChild(title);
    this.resetButton = this.button(TEXT.newConversation, "button button--secondary", function () {
      self.reset();
    });
    head.appendChild(this.resetButton);
    if (!page) {
      var close = this.button(TEXT.close, "button button--secondary close", function () {
        self.setOpen(false);
      });
      close.setAttribute("aria-label", TEXT.closeLabel);
      head.appendChild(close);
    }
    panel.appendChild(head);

    // The conversation scrolls inside the panel; the question field stays in view below it.
    var scroller = element("div", "panel__body");
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", TEXT.scrollArea);
    scroller.tabIndex = 0;
    this.scroller = scroller;
    panel.appendChild(scroller);

    var intro = element("div", "intro");
    intro.appendChild(element("p", "", TEXT.intro));
    intro.appendChild(element("p", "", TEXT.introLimits));
    if (this.mode === "staff") {
      intro.appendChild(element("p", "", TEXT.introStaff));
    }
    this.suggestionBox = element("div", "suggestions");
    this.suggestionBox.hidden = true;
    intro.appendChild(this.suggestionBox);
    this.intro = intro;
    scroller.appendChild(intro);

    var log = element("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", TEXT.conversation);
    this.log = log;
    scroller.appendChild(log);
    scroller.addEventListener("click", function (event) { self.onLogClick(event); });

    panel.appendChild(this.buildForm());
  };

  Widget.prototype.button = function (text, className, onClick) {
    var button = element("button", className, text);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  };

  // No action URL and no name on the field: the question is never sent as form data.
  Widget.prototype.buildForm = function () {
    var self = this;
    var form = element("form", "ask");
    form.noValidate = true;
    var label = element("label", "", TEXT.fieldLabel);
    label.htmlFor = "question";
    form.appendChild(label);
    var error = element("div", "error");
    error.id = "error";
    error.setAttribute("role", "alert");
    this.errorText = element("span", "");
    error.appendChild(this.errorText);
    this.retryButton = this.button(TEXT.retry, "button button--secondary retry", function () {
      var again = self.retry;
      self.clearError();
      if (again) {
        again();
      }
    });
    this.retryButton.hidden = true;
    error.appendChild(this.retryButton);
    this.errorBox = error;
    form.appendChild(error);

    var field = element("textarea", "");
    field.id = "question";
    field.rows = 2;
    field.autocomplete = "off";
    field.spellcheck = true;
    field.setAttribute("aria-describedby", "question-hint question-count");
    this.field = field;
    form.appendChild(field);
    var hint = element("p", "visually-hidden", TEXT.hint);
    hint.id = "question-hint";
    form.appendChild(hint);

    var row = element("div", "ask__row");
    var count = element("p", "count");
    count.id = "question-count";
    this.count = count;
    row.appendChild(count);
    var send = element("button", "button button--primary", TEXT.send);
    send.type = "submit";
    this.sendButton = send;
    row.appendChild(send);
    form.appendChild(row);
    this.countLive = element("p", "visually-hidden");
    this.countLive.setAttribute("aria-live", "polite");
    form.appendChild(this.countLive);
    this.statusBox = element("p", "status");
    this.statusBox.setAttribute("role", "status");
    form.appendChild(this.statusBox);
    this.form = form;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    field.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; never interrupt an input method mid-word.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        self.submit();
      }
    });
    field.addEventListener("input", function () {
      self.updateCount();
      if (self.errorBox.dataset.kind === "field" && !self.validate(field.value)) {
        self.clearError();
      }
    });
    this.updateCount();
    this.countLive.textContent = "";
    return form;
  };

  // ----- Open, close, reset ------------------------------------------------------------

  Widget.prototype.setOpen = function (open) {
    if (this.layout === "page") {
      return;
    }
    this.state.open = open;
    this.panel.hidden = !open;
    this.launcher.hidden = open;
    this.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    this.save();
    if (open) {
      this.loadSuggestions();
      this.field.focus();
      this.scrollToNewest();
    } else {
      this.launcher.focus();
    }
  };

  Widget.prototype.reset = function () {
    if (this.pending) {
      this.pending.cancelled = true;
      this.pending.controller.abort();
      this.pending = null;
      this.setBusy(false);
    }
    this.state.history = [];
    this.state.turns = [];
    this.save();
    this.log.replaceChildren();
    this.intro.hidden = false;
    this.clearError();
    this.setStatus(TEXT.newConversationDone, false);
    this.loadSuggestions();
    this.field.focus();
  };

  // ----- Storage: the conversation survives a reload of this tab ----------------------

  Widget.prototype.save = function () {
    try {
      window.sessionStorage.setItem(this.storageKey, JSON.stringify(this.state));
    } catch (ignored) {
      // Storage full or switched off: the conversation still works, it just won't survive.
    }
  };

  Widget.prototype.restore = function () {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(this.storageKey) || "null");
    } catch (ignored) {
      saved = null;
    }
    if (saved && Array.isArray(saved.history) && Array.isArray(saved.turns)) {
      this.state = { history: saved.history, turns: saved.turns, open: Boolean(saved.open) };
    }
    var self = this;
    this.state.turns.forEach(function (turn) {
      self.renderAnswer(turn.body, self.renderQuestion(turn.question), turn.feedback);
    });
    if (this.layout === "page" || this.state.open) {
      this.panel.hidden = false;
      if (this.launcher) {
        this.launcher.hidden = true;
        this.launcher.setAttribute("aria-expanded", "true");
      }
      this.loadSuggestions();
      this.scrollToNewest();
    }
  };

  // ----- Errors and status -------------------------------------------------------------

  Widget.prototype.showError = function (message, aboutField, retry) {
    var box = this.errorText;
    if (box.textContent === message) {
      // Screen readers skip an unchanged alert; empty it first so a repeat is heard again.
      box.textContent = "";
      window.setTimeout(function () { box.textContent = message; }, 100);
    } else {
      box.textContent = message;
    }
    this.errorBox.dataset.kind = aboutField ? "field" : "request";
    this.errorBox.classList.add("error--shown");
    this.retry = retry || null;
    this.retryButton.hidden = !retry;
    if (aboutField) {
      this.field.setAttribute("aria-invalid", "true");
      this.field.setAttribute("aria-describedby", "error question-hint question-count");
    }
  };

  Widget.prototype.clearError = function () {
    this.errorText.textContent = "";
    this.errorBox.classList.remove("error--shown");
    delete this.errorBox.dataset.kind;
    this.retry = null;
    this.retryButton.hidden = true;
    this.field.setAttribute("aria-describedby", "question-hint question-count");
    if (charCount(this.field.value) <= MAX_QUESTION_CHARS) {
      this.field.removeAttribute("aria-invalid");
    }
  };

  Widget.prototype.setStatus = function (text, busy) {
    this.statusBox.textContent = text;
    this.statusBox.classList.toggle("status--busy", Boolean(busy));
  };

  Widget.prototype.setBusy = function (busy) {
    // A disabled button cannot keep focus; hand it to the field instead of losing it.
    if (busy && this.shadowRoot.activeElement === this.sendButton) {
      this.field.focus();
    }
    this.sendButton.disabled = busy;
    this.form.setAttribute("aria-busy", busy ? "true" : "false");
    this.setStatus(busy ? TEXT.busy : "", busy);
  };

  Widget.prototype.updateCount = function () {
    var self = this;
    var left = MAX_QUESTION_CHARS - charCount(this.field.value);
    var message = left >= 0 ? TEXT.remaining(left) : TEXT.over(-left);
    this.count.textContent = message;
    this.count.classList.toggle("count--over", left < 0);
    if (left < 0) {
      this.field.setAttribute("aria-invalid", "true");
    } else if (this.errorBox.dataset.kind !== "field") {
      this.field.removeAttribute("aria-invalid");
    }
    // Announce only near the limit, and only once typing pauses, so it does not chatter.
    window.clearTimeout(this.countTimer);
    this.countTimer = window.setTimeout(function () {
      self.countLive.textContent = left <= COUNT_ANNOUNCE_BELOW ? message : "";
    }, COUNT_ANNOUNCE_DELAY_MS);
  };

  Widget.prototype.validate = function (question) {
    if (!question.trim()) {
      return TEXT.empty;
    }
    var over = charCount(question) - MAX_QUESTION_CHARS;
    return over > 0 ? TEXT.tooLong(over) : null;
  };

  // ----- Rendering ---------------------------------------------------------------------

  Widget.prototype.sourceId = function (turn, citationId) {
    return "antwoord-" + turn + "-bron-" + citationId;
  };

  Widget.prototype.sourceLink = function (turn, citationId, label) {
    var link = element("a", "marker", label);
    link.href = "#" + this.sourceId(turn, citationId);
    link.setAttribute("aria-label", TEXT.sourceLinkLabel(citationId));
    return link;
  };

  // "… verwerkt. [1]" as text with a link to source 1 of this answer.
  Widget.prototype.appendWithMarkers = function (target, text, known, turn) {
    var pattern = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var ids = match[1].split(",").map(function (part) { return Number(part.trim()); });
      if (!ids.every(function (id) { return known.has(id); })) {
        continue;
      }
      target.appendChild(document.createTextNode(text.slice(last, match.index)));
      target.appendChild(document.createTextNode("["));
      for (var i = 0; i < ids.length; i += 1) {
        if (i > 0) {
          target.appendChild(document.createTextNode(", "));
        }
        target.appendChild(this.sourceLink(turn, ids[i], String(ids[i])));
      }
      target.appendChild(document.createTextNode("]"));
      last = match.index + match[0].length;
    }
    target.appendChild(document.createTextNode(text.slice(last)));
  };

  // In an English answer, what it quotes from the report (between ‘ ’ or “ ”) is Dutch.
  Widget.prototype.appendText = function (target, text, known, turn, english) {
    if (!english) {
      this.appendWithMarkers(target, text, known, turn);
      return;
    }
    var pattern = /[\u2018\u201c][^\u2019\u201d]*[\u2019\u201d]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      this.appendWithMarkers(target, text.slice(last, match.index), known, turn);
      var dutch = element("span", "", match[0]);
      dutch.lang = "nl";
      target.appendChild(dutch);
      last = match.index + match[0].length;
    }
    this.appendWithMarkers(target, text.slice(last), known, turn);
  };

  Widget.prototype.renderQuestion = function (question) {
    var turn = element("div", "turn turn--question");
    turn.appendChild(element("p", "turn__label", TEXT.questionLabel));
    turn.appendChild(element("p", "turn__text", question));
    this.intro.hidden = true;
    this.log.appendChild(turn);
    return turn;
  };

  // "Doelstelling 5.1 … > Tabel 5.1 …": a screen reader hears a pause, not "groter dan".
  function renderSection(section) {
    var line = element("p", "source__section");
    line.appendChild(element("span", "visually-hidden", TEXT.section));
    section.split(" > ").forEach(function (step, index) {
      if (index > 0) {
        var separator = element("span", "", " › ");
        separator.setAttribute("aria-hidden", "true");
        line.appendChild(separator);
        line.appendChild(element("span", "visually-hidden", ", "));
      }
      line.appendChild(document.createTextNode(step));
    });
    return line;
  }

  // A cited row as a small table: one line per column header and its value, so it reflows.
  function renderTable(table) {
    var wrap = element("table", "source__table");
    var caption = element("caption", "", table.title + (table.unit ? " (" + table.unit + ")" : ""));
    wrap.appendChild(caption);
    var head = element("thead");
    var headRow = element("tr");
    var rowHeader = element("th", "", table.stub || TEXT.tableRowHeader);
    rowHeader.scope = "col";
    var valueHeader = element("th", "", table.row);
    valueHeader.scope = "col";
    headRow.appendChild(rowHeader);
    headRow.appendChild(valueHeader);
    head.appendChild(headRow);
    wrap.appendChild(head);
    var body = element("tbody");
    table.cells.forEach(function (cell) {
      var tr = element("tr");
      var th = element("th", "", cell.column);
      th.scope = "row";
      tr.appendChild(th);
      tr.appendChild(element("td", "", cell.value));
      body.appendChild(tr);
    });
    wrap.appendChild(body);
    return wrap;
  }

  Widget.prototype.documentLink = function (citation) {
    var line = element("p", "source__document");
    line.appendChild(element("span", "visually-hidden", TEXT.document));
    var link = element("a", "", citation.title || citation.document);
    link.href = this.url("v1/documents/" + encodeURIComponent(citation.document) +
      "?start=" + citation.start + "&end=" + citation.end + "#bron");
    link.target = "_blank";
    link.rel = "noopener";
    link.appendChild(element("span", "visually-hidden", TEXT.newTab));
    line.appendChild(link);
    return line;
  };

  Widget.prototype.renderSource = function (citation, turn) {
    var item = element("li", "source");
    var details = element("details", "source__details");
    details.id = this.sourceId(turn, citation.id);
    details.open = this.mode === "staff";
    var steps = citation.section.split(" > ");
    var summary = element("summary", "source__summary",
      TEXT.source + " " + citation.id + ": " + steps[steps.length - 1]);
    details.appendChild(summary);
    details.appendChild(this.documentLink(citation));
    if (citation.section) {
      details.appendChild(renderSection(citation.section));
    }
    // Quotes and rows are verbatim from the report, always Dutch.
    if (citation.table && Array.isArray(citation.table.cells)) {
      details.appendChild(renderTable(citation.table));
    } else {
      details.appendChild(element("blockquote", "source__quote", citation.quote));
    }
    item.appendChild(details);
    return item;
  };

  Widget.prototype.renderSources = function (citations, turn) {
    var self = this;
    var fragment = document.createDocumentFragment();
    var headingId = "antwoord-" + turn + "-bronnen";
    var heading = element("h3", "sources__title", TEXT.sources);
    heading.id = headingId;
    fragment.appendChild(heading);
    var list = element("ul", "sources");
    list.setAttribute("role", "list"); // list-style: none drops list semantics in Safari
    list.setAttribute("aria-labelledby", headingId);
    citations.forEach(function (citation) {
      list.appendChild(self.renderSource(citation, turn));
    });
    fragment.appendChild(list);
    return fragment;
  };

  // "1. <question>\n<answer>\n\n2. …" as [{question, text}]; null when it has another shape.
  function splitParts(text, count) {
    var starts = [];
    for (var number = 1; number <= count; number += 1) {
      var at = number === 1 ? (text.startsWith("1. ") ? 0 : -1) :
        text.indexOf("\n\n" + number + ". ", starts[starts.length - 1]);
      if (at < 0) {
        return null;
      }
      starts.push(number === 1 ? 0 : at + 2);
    }
    var parts = starts.map(function (from, index) {
      var section = text.slice(from, starts[index + 1]).trim();
      var newline = section.indexOf("\n");
      return {
        question: section.slice(String(index + 1).length + 2, newline),
        text: section.slice(newline + 1),
        complete: newline > 0
      };
    });
    return parts.every(function (part) { return part.complete; }) ? parts : null;
  }

  Widget.prototype.renderBody = function (body, known, turn) {
    var self = this;
    var english = body.language === "en";
    var count = Array.isArray(body.parts) ? body.parts.length : 0;
    var parts = count > 1 ? splitParts(body.answer, count) : null;
    var container;
    if (!parts) {
      container = element("p", "answer");
      this.appendText(container, body.answer, known, turn, english);
    } else {
      container = element("ol", "parts");
      parts.forEach(function (part) {
        var item = element("li", "part");
        var heading = element("h3", "part__question");
        self.appendText(heading, part.question, known, turn, english);
        item.appendChild(heading);
        var text = element("p", "answer");
        self.appendText(text, part.text, known, turn, english);
        item.appendChild(text);
        container.appendChild(item);
      });
    }
    if (english) {
      container.lang = "en";
    }
    return container;
  };

  // Staff see how the question was read and found, and where the report contradicts itself.
  Widget.prototype.renderMeta = function (body) {
    var english = body.language === "en";
    var meta = element("div", "meta");
    if (body.resolved_question) {
      var resolved = element("p", "resolved", TEXT.resolved);
      var restated = element("span", "", body.resolved_question);
      if (english) {
        restated.lang = "en";
      }
      resolved.appendChild(restated);
      meta.appendChild(resolved);
    }
    if (this.mode === "staff") {
      meta.appendChild(element("p", "route", TEXT.route + (TEXT.routes[body.route] || body.route)));
      var notes = Array.isArray(body.inconsistencies) ? body.inconsistencies : [];
      if (notes.length) {
        var warning = element("div", "warning");
        warning.appendChild(element("p", "warning__title", TEXT.warning));
        var list = element("ul", "");
        notes.forEach(function (note) { list.appendChild(element("li", "", note)); });
        warning.appendChild(list);
        meta.appendChild(warning);
      }
    }
    return meta;
  };

  Widget.prototype.renderActions = function (body, turn, feedback) {
    var self = this;
    var actions = element("div", "actions");
    var status = element("p", "actions__status");
    status.setAttribute("role", "status");
    if (this.mode === "staff") {
      actions.appendChild(this.button(TEXT.copy, "button button--secondary copy", function () {
        self.copy(clipboardText(body), status);
      }));
    }
    var group = element("div", "feedback");
    group.setAttribute("role", "group");
    var question = element("p", "feedback__question", TEXT.feedbackQuestion);
    question.id = "antwoord-" + turn + "-feedback";
    group.setAttribute("aria-labelledby", question.id);
    group.appendChild(question);
    var record = feedback || { id: randomId(), rating: null, comment: "" };
    var comment = element("div", "feedback__comment");
    comment.hidden = !record.rating;
    var up = this.button(TEXT.feedbackUp, "button button--secondary thumb thumb--up", function () {
      rate("up");
    });
    var down = this.button(TEXT.feedbackDown, "button button--secondary thumb thumb--down", function () {
      rate("down");
    });
    function mark() {
      up.setAttribute("aria-pressed", record.rating === "up" ? "true" : "false");
      down.setAttribute("aria-pressed", record.rating === "down" ? "true" : "false");
    }
    function rate(rating) {
      record.rating = rating;
      mark();
      comment.hidden = false;
      self.sendFeedback(body, record, status);
    }
    mark();
    group.appendChild(up);
    group.appendChild(down);
    var label = element("label", "", TEXT.feedbackComment);
    var fieldId = "antwoord-" + turn + "-uitleg";
    label.htmlFor = fieldId;
    var field = element("textarea", "");
    field.id = fieldId;
    field.rows = 2;
    field.maxLength = MAX_COMMENT_CHARS;
    field.value = record.comment || "";
    comment.appendChild(label);
    comment.appendChild(field);
    comment.appendChild(this.button(TEXT.feedbackSend, "button button--secondary", function () {
      record.comment = field.value.trim();
      self.sendFeedback(body, record, status);
    }));
    group.appendChild(comment);
    actions.appendChild(group);
    actions.appendChild(status);
    return { node: actions, record: record };
  };

  Widget.prototype.renderAnswer = function (body, questionTurn, feedback) {
    this.turnNumber += 1;
    var turn = this.turnNumber;
    var english = body.language === "en";
    var citations = Array.isArray(body.citations) ? body.citations : [];
    var known = new Set(citations.map(function (c) { return c.id; }));

    var article = element("article", "turn turn--answer");
    article.setAttribute("aria-label", TEXT.answerLabel + " " + turn);
    article.appendChild(element("p", "turn__label", TEXT.answerLabel));
    article.appendChild(this.renderMeta(body));
    article.appendChild(this.renderBody(body, known, turn));
    if (english) {
      questionTurn.querySelector(".turn__text").lang = "en";
    }
    if (citations.length) {
      article.appendChild(this.renderSources(citations, turn));
    }
    var actions = this.renderActions(body, turn, feedback);
    article.appendChild(actions.node);
    this.log.appendChild(article);
    return { article: article, feedback: actions.record };
  };

  // The newest answer comes into view inside the panel; focus stays where it is, and the
  // host page never scrolls.
  Widget.prototype.scrollToNewest = function () {
    var last = this.log.lastElementChild;
    if (!last) {
      return;
    }
    var question = last.previousElementSibling || last;
    if (this.layout === "page") {
      question.scrollIntoView({ block: "start" }); // the page is ours to scroll
    } else {
      this.scroller.scrollTop = question.offsetTop - this.scroller.offsetTop;
    }
  };

  // Following a [n] link opens its source and moves focus to it.
  Widget.prototype.onLogClick = function (event) {
    var link = event.target.closest("a.marker");
    if (!link) {
      return;
    }
    var target = this.shadowRoot.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.open = true;
      var summary = target.querySelector("summary");
      summary.focus();
    }
  };

  // ----- Talking to the API ------------------------------------------------------------

  Widget.prototype.request = function (path, options) {
    var init = options || {};
    init.cache = "no-store";
    init.credentials = "omit";
    init.referrerPolicy = "no-referrer";
    return fetch(this.url(path), init);
  };

  Widget.prototype.checkHealth = function () {
    var self = this;
    this.request("v1/health")
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body || body.status !== "ok") {
          throw new Error("not ready");
        }
      })
      .catch(function () {
        self.showError(TEXT.unreachable, false, function () { self.checkHealth(); });
      });
  };

  Widget.prototype.loadSuggestions = function () {
    var self = this;
    if (this.suggestionsLoaded || this.state.turns.length) {
      return;
    }
    this.suggestionsLoaded = true;
    this.request("v1/suggestions")
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        var items = body && Array.isArray(body.suggestions) ? body.suggestions : [];
        if (!items.length) {
          return;
        }
        var box = self.suggestionBox;
        box.replaceChildren();
        var heading = element("h3", "", TEXT.suggestions);
        heading.id = "suggestions-title";
        box.appendChild(heading);
        var list = element("ul", "suggestions__list");
        list.setAttribute("role", "list");
        list.setAttribute("aria-labelledby", heading.id);
        items.slice(0, MAX_SUGGESTIONS).forEach(function (item) {
          var li = element("li");
          li.appendChild(self.button(item.question, "suggestion", function () {
            self.field.value = item.question;
            self.updateCount();
            self.submit();
          }));
          list.appendChild(li);
        });
        box.appendChild(list);
        box.hidden = false;
      })
      .catch(function () {
        self.suggestionsLoaded = false;
      });
  };

  Widget.prototype.errorMessage = function (body, status) {
    if (status === 503 || status === 502 || status === 504) {
      return TEXT.unreachable;
    }
    if (body && body.error && typeof body.error.message === "string" && body.error.message) {
      return body.error.message;
    }
    return TEXT.internal;
  };

  Widget.prototype.remember = function (question, body, feedback) {
    var history = this.state.history;
    history.push({ role: "user", content: clip(question, MAX_TURN_CHARS) });
    history.push({ role: "assistant", content: clip(body.answer, MAX_TURN_CHARS) });
    this.state.history = history.slice(-MAX_HISTORY_TURNS);
    this.state.turns.push({ question: question, body: body, feedback: feedback });
    this.state.turns = this.state.turns.slice(-MAX_KEPT_ANSWERS);
    this.save();
  };

  Widget.prototype.submit = function () {
    if (this.pending) {
      return;
    }
    var question = this.field.value;
    var problem = this.validate(question);
    if (problem) {
      this.showError(problem, true);
      this.field.focus();
      return;
    }
    this.clearError();
    this.ask(question);
  };

  Widget.prototype.ask = function (question) {
    var self = this;
    var request = { controller: new AbortController(), timedOut: false, cancelled: false };
    this.pending = request;
    var questionTurn = this.renderQuestion(question);
    this.scrollToNewest();
    this.setBusy(true);
    var timer = window.setTimeout(function () {
      request.timedOut = true;
      request.controller.abort();
    }, TIMEOUT_MS);
    var again = function () { self.ask(question); };

    this.request("v1/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({
        question: question,
        history: recentHistory(this.state.history)
      }),
      signal: request.controller.signal
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return { response: response, body: body }; },
          function () { return { response: response, body: null }; }
        );
      })
      .then(function (result) {
        if (request.cancelled) {
          return;
        }
        var body = result.body;
        var status = result.response.status;
        if (!result.response.ok) {
          questionTurn.remove();
          var retryable = status >= 500;
          self.showError(self.errorMessage(body, status), status === 422, retryable ? again : null);
          return;
        }
        if (!body || typeof body.answer !== "string") {
          questionTurn.remove();
          self.showError(TEXT.badAnswer, false, again);
          return;
        }
        var shown = self.renderAnswer(body, questionTurn, null);
        self.remember(question, body, shown.feedback);
        self.scrollToNewest();
        // Keep anything the user started typing while waiting.
        if (self.field.value === question) {
          self.field.value = "";
          self.updateCount();
        }
      })
      .catch(function () {
        if (request.cancelled) {
          return;
        }
        questionTurn.remove();
        self.showError(request.timedOut ? TEXT.timeout : TEXT.unreachable, false, again);
      })
      .then(function () {
        window.clearTimeout(timer);
        if (self.pending === request) {
          self.pending = null;
          self.setBusy(false);
        }
        if (!self.log.children.length) {
          self.intro.hidden = false;
        }
      });
  };

  Widget.prototype.sendFeedback = function (body, record, status) {
    var self = this;
    this.save();
    var payload = {
      id: record.id,
      question_id: body.question_id || "",
      rating: record.rating,
      answer: body.answer,
      citations: (body.citations || []).map(function (c) {
        return { id: c.id, document: c.document, section: c.section, start: c.start, end: c.end };
      }),
      route: body.route,
      mode: this.mode
    };
    if (record.comment) {
      payload.comment = record.comment;
    }
    this.request("v1/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload)
    })
      .then(function (response) {
        status.textContent = response.ok ? TEXT.feedbackThanks : TEXT.feedbackFailed;
      })
      .catch(function () {
        status.textContent = TEXT.feedbackFailed;
      })
      .then(function () { self.save(); });
  };

  Widget.prototype.copy = function (text, status) {
    var done = function () { status.textContent = TEXT.copied; };
    var failed = function () { status.textContent = TEXT.copyFailed; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
      return;
    }
    // Plain http on an intranet has no async clipboard; fall back to a hidden field.
    var area = element("textarea", "visually-hidden");
    area.value = text;
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    this.frame.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (ignored) {
      ok = false;
    }
    area.remove();
    if (ok) {
      done();
    } else {
      failed();
    }
  };

  if (!window.customElements.get(TAG)) {
    window.customElements.define(TAG, Widget);
  }

  // One script tag: without a widget on the page, add one with a launcher.
  function addLauncher() {
    if (!document.querySelector(TAG)) {
      document.body.appendChild(document.createElement(TAG));
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addLauncher);
  } else {
    addLauncher();
  }
}());
