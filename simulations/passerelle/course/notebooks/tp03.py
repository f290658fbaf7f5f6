"""The notebook of tp03-droits (about 2 hours: 7 autograded questions, 2 written)."""

from __future__ import annotations

from passerelle.course.notebooks.cells import (
    answer,
    free,
    given,
    matricule,
    notebook,
    read_only,
    tests,
    written,
)

NAME = "tp03-droits"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 3 — Les droits : une couverture qui se perd, se demande et se rouvre

**Durée prévue : environ 2 heures.** 7 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. lire la couverture comme un **état qui change** : des personnes perdent leurs droits de
   mutuelle, les retrouvent, demandent l'AMU au CPAS, l'obtiennent ou non, la perdent ;
2. relier un stock (les personnes hors ordre) et un flux (les réouvertures par mois) pour
   estimer la durée moyenne d'une rupture ;
3. calculer un taux de refus d'AMU et la part des personnes sans titre de séjour couvertes
   par l'AMU, avec le bon dénominateur ;
4. mesurer le non-recours au BIM en comparant deux simulations sur la même graine ;
5. dire, **personne par personne**, qui gagne à une procédure d'AMU simplifiée et au BIM
   automatique, et qui n'y gagne rien.

**Contexte.** Être en ordre de mutuelle n'est pas acquis une fois pour toutes : un
changement d'adresse, une radiation d'office, des cotisations non payées, un statut qui
change, et les droits tombent ; les rouvrir demande des démarches que les assistants
sociaux, les mutualités et les facilitateurs en santé accompagnent. Les personnes sans
titre de séjour n'ont pas de mutuelle : elles peuvent demander l'**aide médicale urgente
(AMU)** au CPAS de leur commune, qui enquête (adresse, ressources), décide dans les 30
jours, accorde ou refuse — les taux de refus varient beaucoup d'un CPAS à l'autre — et
accorde l'aide pour une durée limitée, après quoi il faut la redemander. Enfin,
l'**intervention majorée (BIM)** réduit ce que le patient paie et impose le tiers payant
chez le médecin généraliste, mais beaucoup de personnes qui y ont droit ne l'ont jamais
demandée. Ce TP simule une petite population bruxelloise avec Passerelle ; les résultats
décrivent le modèle, pas la Belgique.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Votre simulation

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Votre simulation porte sur 6 000 personnes simulées (chacune
représente environ deux cents habitants) pendant 12 mois, en 2024 ; sa **graine** est
tirée de votre matricule : vos résultats ne sont pas ceux de votre voisin.
"""),
        matricule(NAME),
        given("donnees", """
import passerelle
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp03-droits", matricule=MATRICULE)
reference = passerelle.run("baseline", **donnees.reglages)
reference.summary()
"""),
        read_only("lire", """
`reference` contient les résultats mois par mois. Ce TP utilise trois méthodes :

- `reference.last_year("lapses")` : le total sur les 12 derniers mois d'un **flux**, ici
  les ruptures de droits de mutuelle (population réelle). Autres flux utiles :
  `rights_reopened` (droits rouverts), `amu_granted` (AMU accordées par le CPAS),
  `amu_refused` (AMU refusées), `amu_applications` (demandes d'AMU) ;
- `reference.at_end("population", coverage="lapsed")` : un **stock**, le nombre de
  personnes d'un groupe au dernier mois. Les groupes de couverture sont `insured` (en ordre
  de mutuelle), `insured_bim` (en ordre, avec BIM), `lapsed` (plus en ordre de mutuelle),
  `undocumented_amu` (sans titre de séjour, avec AMU), `undocumented_no_amu` (sans titre
  de séjour, sans AMU), `asylum_seeker` (demandeurs d'asile). Plusieurs groupes à la fois :
  `coverage=("insured", "insured_bim")` ;
- `reference.select("lapses")` : les valeurs mois par mois.

Essayez dans la cellule libre : `reference.by("population", "coverage").iloc[-1]`.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (1 point) — Les ruptures de droits
Rangez dans `taux_rupture` le nombre de ruptures de droits de mutuelle des 12 derniers
mois divisé par le nombre de personnes en ordre de mutuelle (avec ou sans BIM) au dernier
mois.
"""),
        answer("q1", "\n".join([
            'ruptures = reference.last_year("lapses")',
            'en_ordre = reference.at_end("population", coverage=("insured", "insured_bim"))',
            "taux_rupture = ruptures / en_ordre",
        ])),
        tests("q1", NAME, "taux_rupture", "taux_rupture", 1),
        read_only("q2_consigne", """
### Question 2 (2 points) — Combien de temps dure une rupture ?
Un stock et un flux donnent une durée : si 100 personnes sont hors ordre de mutuelle et que
5 d'entre elles retrouvent leurs droits chaque mois, une rupture dure en moyenne
100 / 5 = 20 mois. Rangez dans `duree_rupture` le nombre de personnes hors ordre de
mutuelle (`lapsed`) au dernier mois divisé par le nombre **mensuel moyen** de droits
rouverts sur les 12 derniers mois.
"""),
        answer("q2", "\n".join([
            'hors_ordre = reference.at_end("population", coverage="lapsed")',
            'reouvertures_par_mois = reference.last_year("rights_reopened") / 12',
            "duree_rupture = hors_ordre / reouvertures_par_mois",
        ])),
        tests("q2", NAME, "duree_rupture", "duree_rupture", 2),
        read_only("q3_consigne", """
### Question 3 (1 point) — Les refus d'AMU
Sur les 12 derniers mois, quelle part des décisions d'AMU prises par le CPAS sont des
refus ? Rangez-la dans `taux_refus_amu`.
"""),
        answer("q3", "\n".join([
            'accords = reference.last_year("amu_granted")',
            'refus = reference.last_year("amu_refused")',
            "taux_refus_amu = refus / (accords + refus)",
        ])),
        tests("q3", NAME, "taux_refus_amu", "taux_refus_amu", 1),
        read_only("q4_consigne", """
### Question 4 (1 point) — Qui a l'AMU ?
Au dernier mois, quelle part des personnes sans titre de séjour ont une AMU en cours ?
Rangez-la dans `part_amu`.
"""),
        answer("q4", "\n".join([
            'avec_amu = reference.at_end("population", coverage="undocumented_amu")',
            'sans_amu = reference.at_end("population", coverage="undocumented_no_amu")',
            "part_amu = avec_amu / (avec_amu + sans_amu)",
        ])),
        tests("q4", NAME, "part_amu", "part_amu", 1),
        read_only("m1_consigne", """
### Question 5 (3 points, corrigée par l'équipe) — Lire la procédure d'AMU
En 6 à 10 lignes : d'après vos résultats, pourquoi si peu de personnes sans titre de séjour
ont-elles une AMU en cours à un moment donné ? Pensez à chaque étape : il faut d'abord
demander (après un besoin de soins resté sans réponse), attendre la décision, ne pas être
refusé, et l'aide ne dure que quelques mois (affichez `reference.scenario.params["coverage"]`
dans la cellule libre : `amu_apply`, `amu_delay_months`, `amu_refusal`,
`amu_validity_months`). Qu'est-ce
qu'un assistant social du CPAS ou un facilitateur peut changer à chacune de ces étapes ?
"""),
        free(),
        written("m1", """
Éléments attendus : l'AMU n'est demandée qu'après un besoin non satisfait et par une
minorité (peur, méconnaissance, documents à réunir) ; la décision prend un mois ; une
partie est refusée (taux variables selon les CPAS) ; surtout, l'aide ne dure que trois mois
dans le modèle : elle expire et doit être redemandée, si bien que le stock de personnes
couvertes reste faible même si beaucoup l'ont obtenue une fois. Leviers : informer et
accompagner la demande (facilitateurs, assistants sociaux, centres inconditionnels),
harmoniser les pratiques des CPAS (refus), allonger la validité (carte annuelle),
simplifier l'enquête sociale. Les ruptures de mutuelle durent longtemps (stock ÷ flux) :
l'accompagnement de la réouverture raccourcit les ruptures.
""", 3),
        read_only("reforme", """
## 2. Une réforme : AMU simplifiée et BIM automatique

`donnees.reforme` contient deux politiques, en vigueur dès le premier mois : une
**procédure d'AMU simplifiée** (plus de demandes, le taux de refus du CPAS le moins
restrictif, une décision le mois suivant, une aide valable 12 mois) et le **BIM
automatique** (toute personne en ordre de mutuelle qui y a droit le reçoit, sans
démarche). On relance **la même simulation** (mêmes réglages, même graine) avec la seule
réforme : les mêmes personnes vivent les mêmes événements, sauf ce que la réforme change
(*nombres aléatoires communs*).
"""),
        given("reforme_run", """
print(donnees.reforme)
reforme = passerelle.run("baseline", **donnees.reglages, **donnees.reforme)
"""),
        read_only("q5_consigne", """
### Question 6 (1 point) — Le non-recours au BIM
Sous le BIM automatique, toutes les personnes en ordre de mutuelle qui ont droit au BIM
l'ont. Comparez le nombre de personnes du groupe `insured_bim` au dernier mois dans les
deux simulations : quelle part des ayants droit **n'ont pas** le BIM dans la situation de
référence ? Rangez-la dans `non_recours_bim`.
"""),
        answer("q5", "\n".join([
            'bim_reference = reference.at_end("population", coverage="insured_bim")',
            'bim_reforme = reforme.at_end("population", coverage="insured_bim")',
            "non_recours_bim = (bim_reforme - bim_reference) / bim_reforme",
        ])),
        tests("q5", NAME, "non_recours_bim", "non_recours_bim", 1),
        read_only("personnes", """
### Personne par personne
`donnees.personnes(resultats)` donne une ligne par personne simulée ; le numéro de ligne
est le numéro de la personne, **le même dans les deux simulations**. Colonnes utiles :

| colonne | contenu |
|---|---|
| `groupe_debut` | groupe de couverture au début des 12 mois (vide : arrivée plus tard) |
| `groupe_fin` | groupe de couverture à la fin |
| `n_unmet_months` | mois avec un besoin de soins non satisfait, sur les 12 mois |
| `n_months_uncovered` | mois sans couverture (hors ordre, ou sans titre de séjour sans AMU) |
| `n_amu_granted` | AMU accordées |
"""),
        given("personnes_tables", """
avant = donnees.personnes(reference)
apres = donnees.personnes(reforme)
avant.head()
"""),
        read_only("q6_consigne", """
### Question 7 (2 points) — Qui gagne ?
Pour chaque personne, le **gain** est le nombre de mois avec un besoin non satisfait dans
la référence moins ce nombre sous la réforme. Rangez dans `gain_par_groupe` le gain moyen
par personne, selon le groupe de couverture **au début** (`groupe_debut` de `avant`), pour
les groupes de `donnees.groupes` (les demandeurs d'asile, trop peu nombreux dans votre
petite population, sont laissés de côté) : une série pandas indexée par ces groupes.
*Indice : `gain.groupby(avant["groupe_debut"]).mean()`, puis `.reindex(donnees.groupes)`.*
"""),
        answer("q6", "\n".join([
            'gain = avant["n_unmet_months"] - apres["n_unmet_months"]',
            'gain_par_groupe = gain.groupby(avant["groupe_debut"]).mean().reindex(donnees.groupes)',
        ])),
        tests("q6", NAME, "gain_par_groupe", "gain_par_groupe", 2),
        given("q6_graphique", """
import matplotlib.pyplot as plt

gain_par_groupe.plot.bar()
plt.ylabel("mois de besoin non satisfait évités par personne")
plt.show()
"""),
        read_only("q7_consigne", """
### Question 8 (2 points) — Combien de besoins évités ?
Rangez dans `besoins_evites` le total des gains de toutes les personnes, pour la
**population réelle** : chaque personne simulée représente `reference.scale` habitants.
"""),
        answer("q7", "besoins_evites = gain.sum() * reference.scale"),
        tests("q7", NAME, "besoins_evites", "besoins_evites", 2),
        read_only("m2_consigne", """
### Question 9 (3 points, corrigée par l'équipe) — Qui gagne, qui ne gagne rien ?
En 8 à 12 lignes : quels groupes gagnent à la réforme, et pourquoi ? Pourquoi les
personnes hors ordre de mutuelle (`lapsed`) n'y gagnent-elles rien, et que faudrait-il pour
elles ? Le BIM automatique change-t-il beaucoup les besoins non satisfaits dans le modèle,
et qu'en penser ? Enfin, pourquoi fallait-il comparer les personnes au début de la
période, et sur la même graine ?
"""),
        free(),
        written("m2", """
Éléments attendus : les personnes sans titre de séjour gagnent (plus de demandes, moins de
refus, une aide qui dure 12 mois : moins de mois sans couverture, moins de besoins non
satisfaits), surtout celles qui n'avaient pas d'AMU au départ ; les assurés gagnent peu (le
BIM réduit le coût, mais la plupart de leurs besoins non satisfaits échouent ailleurs que
dans le paiement ; le BIM automatique règle le non-recours, pas les autres barrières). Les
personnes hors ordre de mutuelle ne sont touchées par aucune des deux politiques : il faut
rouvrir leurs droits (mutualités, facilitateurs, assistants sociaux) ou les soigner sans
condition (centres inconditionnels). Un groupe défini à la fin change avec la réforme (des
personnes passent de « sans AMU » à « avec AMU ») ; avec deux graines, ce ne sont plus les
mêmes personnes et la différence mélange effet et hasard.
""", 3),
    ])
