/*
 * Chat widget for the jaarverslag Veiligheid 2024.
 *
 * The server is stateless, so the conversation lives here, in memory only: never in a URL,
 * in storage or in the console. Text from the API is inserted with textContent only.
 */
(function () {
  "use strict";

  // Mirrors service/schemas.py: the API rejects anything beyond these limits with a 422.
  var MAX_QUESTION_CHARS = 1000;
  var MAX_HISTORY_TURNS = 20;
  var MAX_TURN_CHARS = 4 * MAX_QUESTION_CHARS;
  var TIMEOUT_MS = 60000;
  var COUNT_ANNOUNCE_BELOW = 100;
  var COUNT_ANNOUNCE_DELAY_MS = 800;
  // Relative, so the widget keeps working when the service sits behind a path prefix.
  var API_ASK = "../v1/ask";
  var API_HEALTH = "../v1/health";

  // Every sentence the widget says itself, in plain Dutch (B1).
  var TEXT = {
    busy: "Bezig met zoeken…",
    newConversation: "Nieuw gesprek gestart. Eerdere vragen zijn gewist.",
    questionLabel: "Vraag",
    answerLabel: "Antwoord",
    resolved: "Begrepen als: ",
    sources: "Bronnen",
    sourceLinkPrefix: "bron ",
    section: "Deel van het verslag: ",
    tableRow: "Regel uit de tabel: ",
    rawRow: "Zo staat de regel in het verslag",
    empty: "Stel een vraag: het vraagveld is leeg.",
    tooLong: function (over) {
      return "De vraag is te lang. Gebruik hoogstens " + MAX_QUESTION_CHARS +
        " tekens. Haal er nog " + over + " " + (over === 1 ? "teken" : "tekens") + " af.";
    },
    remaining: function (n) {
      return "nog " + n + " " + (n === 1 ? "teken" : "tekens");
    },
    over: function (n) {
      return n + " " + (n === 1 ? "teken" : "tekens") + " te veel";
    },
    network: "Er is geen verbinding met de vraagbaak. Controleer uw internet en probeer het opnieuw.",
    timeout: "Het zoeken duurde te lang. Probeer het opnieuw, of stel een kortere vraag.",
    unavailable: "De vraagbaak werkt nu niet. Probeer het later opnieuw.",
    internal: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
    badAnswer: "Het antwoord kwam niet goed binnen. Probeer het opnieuw."
  };

  var form = document.getElementById("ask-form");
  var field = document.getElementById("question");
  var sendButton = document.getElementById("send");
  var resetButton = document.getElementById("reset");
  var log = document.getElementById("log");
  var emptyNote = document.getElementById("empty");
  var errorBox = document.getElementById("error");
  var statusBox = document.getElementById("status");
  var count = document.getElementById("question-count");
  var countLive = document.getElementById("count-live");

  var history = [];
  var turnNumber = 0;
  var pending = null;
  var countTimer = null;
  var describedBy = field.getAttribute("aria-describedby");

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

  // ----- Errors and status -------------------------------------------------------------

  function showError(message, aboutField) {
    if (errorBox.textContent === message) {
      // Screen readers skip an unchanged alert; empty it first so a repeat is heard again.
      errorBox.textContent = "";
      window.setTimeout(function () { errorBox.textContent = message; }, 100);
    } else {
      errorBox.textContent = message;
    }
    errorBox.dataset.kind = aboutField ? "field" : "request";
    if (aboutField) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "error " + describedBy);
    }
  }

  function clearError() {
    errorBox.textContent = "";
    delete errorBox.dataset.kind;
    field.setAttribute("aria-describedby", describedBy);
    if (charCount(field.value) <= MAX_QUESTION_CHARS) {
      field.removeAttribute("aria-invalid");
    }
  }

  function setStatus(text, busy) {
    statusBox.textContent = text;
    statusBox.classList.toggle("status--busy", Boolean(busy));
  }

  function setBusy(busy) {
    // A disabled button cannot keep focus; hand it to the field instead of losing it.
    if (busy && document.activeElement === sendButton) {
      field.focus();
    }
    sendButton.disabled = busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
    setStatus(busy ? TEXT.busy : "", busy);
  }

  // ----- Character counter -------------------------------------------------------------

  function updateCount() {
    var left = MAX_QUESTION_CHARS - charCount(field.value);
    var message = left >= 0 ? TEXT.remaining(left) : TEXT.over(-left);
    count.textContent = message;
    count.classList.toggle("count--over", left < 0);
    if (left < 0) {
      field.setAttribute("aria-invalid", "true");
    } else if (errorBox.dataset.kind !== "field") {
      field.removeAttribute("aria-invalid");
    }
    // Announce only near the limit, and only once typing pauses, so it does not chatter.
    window.clearTimeout(countTimer);
    countTimer = window.setTimeout(function () {
      countLive.textContent = left <= COUNT_ANNOUNCE_BELOW ? message : "";
    }, COUNT_ANNOUNCE_DELAY_MS);
    return left;
  }

  function validate(question) {
    if (!question.trim()) {
      return TEXT.empty;
    }
    var over = charCount(question) - MAX_QUESTION_CHARS;
    return over > 0 ? TEXT.tooLong(over) : null;
  }

  // ----- Rendering ---------------------------------------------------------------------

  function sourceId(turn, citationId) {
    return "antwoord-" + turn + "-bron-" + citationId;
  }

  function sourceLink(turn, citationId, label) {
    var link = element("a", "marker");
    link.href = "#" + sourceId(turn, citationId);
    link.appendChild(element("span", "visually-hidden", TEXT.sourceLinkPrefix));
    link.appendChild(document.createTextNode(label));
    return link;
  }

  // Turns "… verwerkt. [1]" into text with a link to source 1 of this answer.
  function appendWithMarkers(target, text, known, turn) {
    var pattern = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var ids = match[1].split(",").map(function (part) { return Number(part.trim()); });
      if (!ids.every(function (id) { return known.has(id); })) {
        continue;
      }
      target.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (ids.length === 1) {
        target.appendChild(sourceLink(turn, ids[0], match[0]));
      } else {
        target.appendChild(document.createTextNode("["));
        ids.forEach(function (id, index) {
          if (index > 0) {
            target.appendChild(document.createTextNode(", "));
          }
          target.appendChild(sourceLink(turn, id, String(id)));
        });
        target.appendChild(document.createTextNode("]"));
      }
      last = match.index + match[0].length;
    }
    target.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderQuestion(question) {
    var turn = element("div", "turn turn--question");
    turn.appendChild(element("p", "turn__label", TEXT.questionLabel));
    turn.appendChild(element("p", "turn__text", question));
    emptyNote.hidden = true;
    log.appendChild(turn);
    return turn;
  }

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

  function renderSource(citation, turn) {
    var item = element("li", "source");
    item.id = sourceId(turn, citation.id);
    item.tabIndex = -1;
    item.appendChild(element("p", "source__title",
      "[" + citation.id + "] " + (citation.title || citation.document)));
    if (citation.section) {
      item.appendChild(renderSection(citation.section));
    }
    // Quotes and rows are verbatim from the report (always Dutch): the page language applies.
    var quote = element("blockquote", "source__quote", citation.quote);
    if (citation.table_row) {
      var row = element("p", "source__row");
      row.appendChild(element("span", "source__label", TEXT.tableRow));
      row.appendChild(document.createTextNode(citation.table_row));
      item.appendChild(row);
      // A bare row of figures means little on its own, but stays available to check.
      var details = element("details", "source__raw");
      details.appendChild(element("summary", "", TEXT.rawRow));
      details.appendChild(quote);
      item.appendChild(details);
    } else {
      item.appendChild(quote);
    }
    return item;
  }

  function renderSources(citations, turn) {
    var fragment = document.createDocumentFragment();
    var headingId = "antwoord-" + turn + "-bronnen";
    var heading = element("h3", "", TEXT.sources);
    heading.id = headingId;
    fragment.appendChild(heading);
    var list = element("ul", "sources");
    list.setAttribute("role", "list"); // list-style: none drops list semantics in Safari
    list.setAttribute("aria-labelledby", headingId);
    citations.forEach(function (citation) {
      list.appendChild(renderSource(citation, turn));
    });
    fragment.appendChild(list);
    return fragment;
  }

  // "1. <question>\n<answer>\n\n2. …" as [{question, text}]; null when it has another shape.
  // Headings are found by their numbers in order, so a blank line inside a part is harmless.
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

  function renderBody(body, known, turn) {
    var count = Array.isArray(body.parts) ? body.parts.length : 0;
    var parts = count > 1 ? splitParts(body.answer, count) : null;
    if (!parts) {
      var answer = element("p", "answer");
      appendWithMarkers(answer, body.answer, known, turn);
      return answer;
    }
    var list = element("ol", "parts");
    parts.forEach(function (part) {
      var item = element("li", "part");
      item.appendChild(element("h3", "part__question", part.question));
      var text = element("p", "answer");
      appendWithMarkers(text, part.text, known, turn);
      item.appendChild(text);
      list.appendChild(item);
    });
    return list;
  }

  function renderAnswer(body, questionTurn) {
    turnNumber += 1;
    var turn = turnNumber;
    // Only what the service wrote in English is marked so; the widget's labels stay Dutch.
    var english = body.language === "en";
    var citations = Array.isArray(body.citations) ? body.citations : [];
    var known = new Set(citations.map(function (c) { return c.id; }));

    var article = element("article", "turn turn--answer");
    article.appendChild(element("p", "turn__label", TEXT.answerLabel));
    if (body.resolved_question) {
      var resolved = element("p", "resolved", TEXT.resolved);
      var restated = element("span", "", body.resolved_question);
      if (english) {
        restated.lang = "en";
      }
      resolved.appendChild(restated);
      article.appendChild(resolved);
    }
    var answer = renderBody(body, known, turn);
    if (english) {
      answer.lang = "en";
      questionTurn.querySelector(".turn__text").lang = "en";
    }
    article.appendChild(answer);
    if (citations.length) {
      article.appendChild(renderSources(citations, turn));
    }
    log.appendChild(article);
    article.scrollIntoView({ block: "start" });
  }

  // Following a [n] link moves focus to the source, so keyboard users continue from there.
  log.addEventListener("click", function (event) {
    var link = event.target.closest("a.marker");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  // ----- Talking to the API ------------------------------------------------------------

  function errorMessage(body, status) {
    if (body && body.error && typeof body.error.message === "string" && body.error.message) {
      return body.error.message;
    }
    if (status === 503) {
      return TEXT.unavailable;
    }
    return TEXT.internal;
  }

  function remember(question, answer) {
    history.push({ role: "user", content: clip(question, MAX_TURN_CHARS) });
    history.push({ role: "assistant", content: clip(answer, MAX_TURN_CHARS) });
    if (history.length > MAX_HISTORY_TURNS) {
      history = history.slice(-MAX_HISTORY_TURNS);
    }
  }

  function ask(question) {
    var request = { controller: new AbortController(), timedOut: false, cancelled: false };
    pending = request;
    var questionTurn = renderQuestion(question);
    setBusy(true);
    var timer = window.setTimeout(function () {
      request.timedOut = true;
      request.controller.abort();
    }, TIMEOUT_MS);

    var payload = JSON.stringify({ question: question, history: history.slice(-MAX_HISTORY_TURNS) });
    fetch(API_ASK, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: payload,
      credentials: "same-origin",
      cache: "no-store",
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
        if (!result.response.ok) {
          questionTurn.remove();
          showError(errorMessage(body, result.response.status), result.response.status === 422);
          return;
        }
        if (!body || typeof body.answer !== "string") {
          questionTurn.remove();
          showError(TEXT.badAnswer, false);
          return;
        }
        renderAnswer(body, questionTurn);
        remember(question, body.answer);
        // Keep anything the user started typing while waiting.
        if (field.value === question) {
          field.value = "";
          updateCount();
        }
      })
      .catch(function () {
        if (request.cancelled) {
          return;
        }
        questionTurn.remove();
        showError(request.timedOut ? TEXT.timeout : TEXT.network, false);
      })
      .then(function () {
        window.clearTimeout(timer);
        if (pending === request) {
          pending = null;
          setBusy(false);
        }
        if (!log.children.length) {
          emptyNote.hidden = false;
        }
      });
  }

  // ----- Events ------------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pending) {
      return;
    }
    var question = field.value;
    var problem = validate(question);
    if (problem) {
      showError(problem, true);
      field.focus();
      return;
    }
    clearError();
    ask(question);
  });

  field.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a new line; never interrupt an input method (IME) mid-word.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    }
  });

  field.addEventListener("input", function () {
    updateCount();
    if (errorBox.dataset.kind === "field" && !validate(field.value)) {
      clearError();
    }
  });

  resetButton.addEventListener("click", function () {
    if (pending) {
      pending.cancelled = true;
      pending.controller.abort();
      pending = null;
      setBusy(false);
    }
    history = [];
    log.replaceChildren();
    emptyNote.hidden = false;
    clearError();
    setStatus(TEXT.newConversation, false);
    field.focus();
  });

  // Say up front when the service cannot answer, instead of after the first question.
  fetch(API_HEALTH, { cache: "no-store", credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (body) {
      if (!body || body.status !== "ok") {
        showError(TEXT.unavailable, false);
      }
    })
    .catch(function () {
      showError(TEXT.unavailable, false);
    });

  updateCount();
  countLive.textContent = "";
}());
