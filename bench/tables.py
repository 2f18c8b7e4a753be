"""Time the table route over ~80 table questions, server side, with baselines.

Run: `python -m bench` (or `make bench`). Prints median and p95 in milliseconds for a
trivial dict lookup, question understanding alone (the frame), and understanding plus the
table answer, all in one run so the numbers are comparable on the machine at hand.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

ROUNDS = 20

QUESTIONS = [
    "hoeveel afgeronde casussen bij koopwoningen in Rokkeveen?",
    "in welke wijk liepen de meeste zaken bij particuliere verhuurders?",
    "hoeveel lager lag de realisatie woninginbraken dan begroot in 2023?",
    "wat waren de baten van doelstelling 5.2?",
    "hoeveel casussen in Centrum?",
    "hoeveel casussen in Buytenwegh?",
    "lopende zaken in de leyens",
    "hoeveel casussen woonoverlast in seghwaert?",
    "hoeveel lopende casussen bij corporaties?",
    "hoeveel casussen woonoverlast zijn afgerond?",
    "welk percentage van de casussen woonoverlast was afgerond?",
    "welk percentage van de casussen in Centrum was afgerond?",
    "top 3 wijken met de meeste casussen woonoverlast",
    "welke wijk had de minste afgeronde casussen bij particuliere huur?",
    "koop en corporatie samen in Meerzicht",
    "hoeveel casussen bij huurwoningen in Noordhove?",
    "hoeveel meer lopende dan afgeronde casussen woonoverlast?",
    "How many closed cases in owner-occupied homes in Meerzicht?",
    "Which neighbourhood had the most cases?",
    "How many ongoing cases with private landlords in Centrum?",
    "Is het doel voor woninginbraken gehaald?",
    "Hoeveel zijn de woninginbraken gedaald?",
    "verschil woninginbraken tussen 2023 en 2024",
    "hoeveel woninginbraken waren er in 2023 en 2024 samen?",
    "Wat was het rapportcijfer voor veiligheid in de buurt?",
    "Wat was het rapportcijfer voor veiligheid in Zoetermeer in 2023?",
    "hoe veilig voelen inwoners zich in de buurt?",
    "did the safety rating in Zoetermeer meet the target?",
    "Wat was het rapportcijfer voor veiligheid in 2024?",
    "Hoeveel is er uitgegeven aan veiligheid in de stad?",
    "wat waren de totale lasten van het programma?",
    "Wat was het saldo van doelstelling 5.2?",
    "welke doelstelling had de hoogste lasten?",
    "wat waren de cijfers van doelstelling 5.1?",
    "What were the total expenses of the whole programme?",
    "What was the income of goal 5.3?",
    "wat waren de onttrekkingen van doelstelling 5.1?",
    "welk deel van de lasten ging naar doelstelling 5.3?",
    "hoeveel casussen woonoverlast in Dorp?",
    "hoeveel woninginbraken per maand?",
    "Wat was het rapportcijfer voor veiligheid in de buurt in 2021?",
    "hoeveel casussen woonoverlast in 2023?",
    "hoeveel woninginbraken waren er in Centrum?",
    "hoeveel meldingen verwerkte handhaving?",
    "hoeveel casussen ondermijning?",
    "hoeveel jongeren zaten in de PGA?",
    "hoeveel schade aan afvalbakken?",
    "hoeveel gevallen van huiselijk geweld?",
    "Hoeveel afgesloten zaken bij eigenaar-bewoners in Rokeveen?",
    "hoeveel openstaande casussen bij particuliere verhuur in het Centrum",
    "Hoeveel afgeronde corporatiezaken in Seghwaert?",
    "How many closed housing-association cases in Centrum?",
    "Welke wijken hadden geen afgeronde casussen bij particuliere verhuurders?",
    "Welke doelstellingen hadden een negatief saldo?",
    "Which neighbourhoods had more than 30 housing nuisance cases?",
    "Is het rapportcijfer in de wijk hoger dan in Zoetermeer?",
    "Hoeveel woninginbraken lagen in 2023 onder het doel?",
    "Wat is het e-mailadres van het team woonoverlast?",
    "hoeveel casussen woonoverlast palenstein",
]


def _time(call: Callable[[str], object]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            start = time.perf_counter()
            call(question)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"{name:<34} median {statistics.median(ordered):8.3f} ms   p95 {p95:8.3f} ms"


def main(assistant: Any) -> int:
    """Run the benchmark on a built assistant and print one line per measurement."""
    from service.web.schemas import AskRequest

    def frame(question: str) -> Any:
        return assistant.understand(AskRequest(question=question))

    def table(question: str) -> object:
        read = frame(question)
        documents = tuple(assistant.corpus.documents)
        return [assistant.tables.answer(p, documents, read.language) for p in read.parts]

    lookup = {q: len(q) for q in QUESTIONS}
    table(QUESTIONS[0])  # warm caches once, like a running server
    print(f"{len(QUESTIONS)} questions × {ROUNDS} rounds")
    print(_row("baseline: dict lookup", _time(lookup.get)))
    print(_row("understand only (frame)", _time(frame)))
    print(_row("understand + table answer", _time(table)))
    return 0
