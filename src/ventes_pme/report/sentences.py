"""Les phrases des rapports : quelques phrases en français qui lisent les chiffres.

The sentences of the reports: a few French sentences reading the figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ventes_pme import fmt
from ventes_pme.analyse import Analysis

#: how the run date is written: the one part of a report that changes from run to run
_RUN_DATE = re.compile(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2} UTC")


def normalize_run_date(text: str) -> str:
    """``text`` with the analysis run's date replaced by a placeholder (to compare reports)."""
    return _RUN_DATE.sub("JJ/MM/AAAA à HH:MM UTC", text)


def run_date(created_at: str) -> str:
    return fmt.moment(created_at)


def header(analysis: Analysis) -> str:
    """The period of the data and the analysis run, at the top of both reports."""
    period = (
        f"du {fmt.day(analysis.period_start)} au {fmt.day(analysis.period_end)}"
        if analysis.period_start
        else "aucune vente"
    )
    return (
        f"Période des données : {period} ({fmt.plural(analysis.sales_count, 'vente')}). "
        f"Analyse n° {analysis.run_id} du {run_date(analysis.created_at)}."
    )


def _has(n: int) -> str:
    return "ont" if n > 1 else "a"


@dataclass(frozen=True)
class Week:
    label: str
    start: date
    days: int  # days of the week inside the data period
    revenue_cents: int


def _weeks(analysis: Analysis) -> list[Week]:
    if not analysis.period_start or not analysis.period_end:
        return []
    first = date.fromisoformat(analysis.period_start)
    last = date.fromisoformat(analysis.period_end)
    weeks = []
    for row in analysis.tables["chiffre_affaires_par_semaine"]:
        start = date.fromisoformat(row["debut_semaine"])
        covered = (min(start + timedelta(days=6), last) - max(start, first)).days + 1
        weeks.append(Week(row["semaine"], start, covered, row["chiffre_affaires"]))
    return weeks


def _article_region(region: str) -> str:
    return f"la région {region}" if region != "Région inconnue" else "la « Région inconnue »"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def reading(analysis: Analysis) -> list[str]:
    """A few French sentences reading the figures, generated from the numbers."""
    total = analysis.total_revenue_cents
    sentences = []
    products = analysis.tables["ventes_par_produit"]
    if products and total:
        top = products[0]
        sentence = (
            f"Le produit qui rapporte le plus est « {top['nom']} » ({top['produit_id']}) : "
            f"{fmt.euros(top['chiffre_affaires'])}, soit "
            f"{fmt.percent(top['chiffre_affaires'], total)} du chiffre d'affaires"
        )
        if len(products) > 1:
            least = products[-1]
            sentence += (
                f" ; le moins vendu en valeur est « {least['nom']} » "
                f"({fmt.euros(least['chiffre_affaires'])})"
            )
        by_quantity = max(products, key=lambda p: (p["quantite"], p["chiffre_affaires"]))
        if by_quantity is not top:
            sentence += (
                f". En quantité, c'est « {by_quantity['nom']} » qui mène "
                f"({fmt.plural(by_quantity['quantite'], 'unité')})"
            )
        sentences.append(sentence + ".")
    regions = analysis.tables["ventes_par_region"]
    if regions and total:
        top = regions[0]
        sentence = (
            f"{_capitalized(_article_region(top['region']))} est en tête avec "
            f"{fmt.euros(top['chiffre_affaires'])} ({fmt.percent(top['chiffre_affaires'], total)})"
        )
        if len(regions) > 1:
            second = regions[1]
            sentence += (
                f", devant {_article_region(second['region'])} "
                f"({fmt.percent(second['chiffre_affaires'], total)})"
            )
        sentences.append(
            sentence + f" ; {fmt.plural(len(regions), 'région')} {_has(len(regions))} des ventes."
        )
    stores = [s for s in analysis.tables["ventes_par_magasin"] if s["salaries"]]
    if stores:
        best = max(stores, key=lambda s: (s["chiffre_affaires_par_salarie"], -s["magasin_id"]))
        employees = sum(s["salaries"] for s in stores)
        revenue = sum(s["chiffre_affaires"] for s in stores)
        average = (2 * revenue + employees) // (2 * employees)
        sentences.append(
            f"Le meilleur chiffre d'affaires par salarié est celui du magasin n° "
            f"{best['magasin_id']} ({best['ville']}) : "
            f"{fmt.euros(best['chiffre_affaires_par_salarie'])} par salarié, pour "
            f"{fmt.euros(average)} en moyenne sur l'ensemble des magasins."
        )
    weeks = _weeks(analysis)
    if len(weeks) >= 2:
        first, last = weeks[0], weeks[-1]
        first_rate = first.revenue_cents / first.days
        last_rate = last.revenue_cents / last.days
        change = (last_rate - first_rate) / first_rate * 100 if first_rate else 0.0
        trend = "en hausse" if change > 0 else "en baisse" if change < 0 else "stable"
        sentences.append(
            f"Dans le temps : la première semaine ({first.label}, "
            f"{fmt.plural(first.days, 'jour')} de données) totalise "
            f"{fmt.euros(first.revenue_cents)}, soit "
            f"{fmt.euros(round(first_rate))} par jour ; la dernière ({last.label}, "
            f"{fmt.plural(last.days, 'jour')}) {fmt.euros(last.revenue_cents)}, soit "
            f"{fmt.euros(round(last_rate))} par jour : un rythme {trend}"
            + (f" de {fmt.decimal(abs(change))}{fmt.NBSP}%." if change else ".")
        )
    days = analysis.tables["chiffre_affaires_par_jour"]
    if days:
        best_day = max(days, key=lambda d: (d["chiffre_affaires"], d["jour"]))
        sentences.append(
            f"Le meilleur jour est le {fmt.day(best_day['jour'])} "
            f"({fmt.euros(best_day['chiffre_affaires'])}) ; {fmt.plural(len(days), 'jour')} "
            f"{_has(len(days))} au moins une vente."
        )
    return sentences
