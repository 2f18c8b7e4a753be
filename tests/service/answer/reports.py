"""Reports written for the table tests, in the style of Dutch jaarstukken: other
municipalities, other years, the layouts the table reader knows. No rule a test checks
depends on the words of one particular report."""

from __future__ import annotations

from tests.service.answer.helpers import Report

# A report with a per-wijk table (grouped headers, a total row and a total column) and a
# year table with Begroting/Realisatie rows, a verdict and an explanation.
DORDRECHT_2023 = Report(
    "dordrecht-jaarstukken-2023-veiligheid",
    "Dordrecht",
    2023,
    "Veiligheid",
    """Programma 3 Veiligheid

Doelstelling 3.1 Veilig wonen

Overlast in en om de woning
In 2023 zijn 120 overlastzaken behandeld. Tabel 3.1 geeft de zaken per wijk, naar
koopwoningen en huurwoningen.

Tabel 3.1 Overlastzaken 2023 per wijk
 Koop Huur
Wijk Lopend Afgerond Lopend Afgerond Totaal
Binnenstad 4 6 10 8 28
Krispijn 2 3 12 9 26
Sterrenburg 0 0 0 0 0
Stadspolders 5 1 7 3 16
Dubbeldam 9 12 20 9 50
Totaal 20 22 49 29 120

Aantal fietsendiefstallen per jaar (Realisatie 2023)
Het aantal bij de politie geregistreerde fietsendiefstallen.
Bron: Politie

Type 2022 2023
Begroting 400 380
Realisatie 452 371
Doel gehaald: Ja.
Toelichting: Door extra toezicht bij de fietsenstallingen is het aantal diefstallen gedaald.
""",
)

# Totals per doelstelling, lasten printed negative, Saldo a printed total column.
TILBURG_2024 = Report(
    "tilburg-jaarverslag-2024-veiligheid",
    "Tilburg",
    2024,
    "Veiligheid",
    """Programma 2 Veiligheid

Totalen per doelstelling
Bedragen x € 1.000
Doelstelling Lasten Baten Saldo
Veilig wonen (2.1) -850 120 -730
Veilige openbare ruimte (2.2) -4.580 280 -4.300
Rampenbestrijding (2.3) -1.790 1.900 110
Totaal programma -7.220 2.300 -4.920
""",
)

# A financial table with begroting and realisatie columns, lasten and baten groups.
BREDA_2022 = Report(
    "breda-jaarstukken-2022-openbare-orde",
    "Breda",
    2022,
    "Openbare orde",
    """Programma 4 Openbare orde

Wat heeft het gekost?
Bedragen x € 1.000
Onderdeel Begroting 2022 Realisatie 2022 Verschil
Lasten
Toezicht openbare ruimte -2.400 -2.150 250
Cameratoezicht -600 -640 -40
Crisisbeheersing -1.800 -1.790 10
Totaal lasten -4.800 -4.580 220
Baten
Toezicht openbare ruimte 300 280 -20
Totaal baten 300 280 -20
Saldo -4.500 -4.300 200
""",
)
