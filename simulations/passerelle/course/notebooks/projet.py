"""The notebook of projet-final (about 2 hours of computing, then a one-page
recommendation: 4 autograded questions, 2 written answers graded with ``grille.md``)."""

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

NAME = "projet-final"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# Projet final — Une note pour votre commune : facilitateurs ou centre de soins inconditionnel ?

**Durée prévue : environ 2 heures de calcul en séance, puis la rédaction d'une note d'une
page.** 4 questions corrigées automatiquement (8 points) et 2 questions rédigées, corrigées
par l'équipe avec la grille `grille.md` (12 points).

**Objectifs d'apprentissage.** À la fin de ce projet, vous saurez :
1. traduire une question de terrain (« que faire avec ce budget dans ma commune ? ») en
   deux simulations comparables ;
2. comparer deux interventions sur **la même graine** (nombres aléatoires communs) et sur
   la bonne population (votre commune, les 12 derniers mois, la population réelle) ;
3. rapporter un effet à un besoin et à un coût ;
4. écrire une recommandation d'une page qui cite ses chiffres, dit d'où ils viennent et
   ce que le modèle ne dit pas.

**Contexte.** Le collège de votre commune dispose d'un budget annuel égal à celui de la
première année du centre de soins inconditionnel de Médecins du Monde à Molenbeek
(954 500 euros : FEDER 101 970, INAMI 320 000, intégration sociale 50 000, recettes
170 000). Deux options sont sur la table :
- **des facilitateurs en santé** (comme ceux du projet fédéral porté par les cinq
  mutualités depuis 2021) : autant de travailleurs à temps plein que le budget en paie,
  qui accompagnent des habitants pendant six mois vers les soins, la remise en ordre de
  mutuelle, le statut BIM et un médecin généraliste ;
- **un centre de soins inconditionnel** dans la commune, ouvert à toute personne sans
  condition de papiers ni de paiement, avec un volet médical, social et psychologique.

Votre commune vous est attribuée à partir de votre matricule. Les résultats décrivent le
modèle Passerelle, pas la Belgique : votre note le dira.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Votre commune et vos simulations

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`.
"""),
        matricule(NAME),
        given("donnees", """
import passerelle
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("projet-final", matricule=MATRICULE)
print("Votre commune :", donnees.commune)
print(f"Budget annuel : {donnees.budget:,.0f} euros")
for nom, (scenario, tables) in donnees.options.items():
    print(nom, "→ scénario", scenario, ":", tables)
"""),
        read_only("simulations_consigne", """
Lancez trois simulations avec **les mêmes réglages** `donnees.reglages` :
- `reference` : la situation de référence, `passerelle.run("baseline", **donnees.reglages)` ;
- `facilitateurs` et `centre` : pour chaque option `nom`, son scénario et ses tables,
  `scenario, tables = donnees.options[nom]`, puis
  `passerelle.run(scenario, **donnees.reglages, **tables)`.

Rappel du TP 2 : `reference.last_year("unmet_pay", commune=donnees.commune)` donne les
besoins non satisfaits à l'étape « payer » dans votre commune sur les 12 derniers mois ;
les cinq étapes sont dans `ETAPES`. Le coût d'un programme est la mesure
`cost_programme` (en euros).
"""),
        answer("simulations", "\n".join([
            'reference = passerelle.run("baseline", **donnees.reglages)',
            'scenario, tables = donnees.options["facilitateurs"]',
            "facilitateurs = passerelle.run(scenario, **donnees.reglages, **tables)",
            'scenario, tables = donnees.options["centre"]',
            "centre = passerelle.run(scenario, **donnees.reglages, **tables)",
        ]), before='ETAPES = ["perceive", "seek", "reach", "pay", "engage"]'),
        read_only("q1_consigne", """
### Question 1 (2 points) — Le besoin dans votre commune
Rangez dans `besoins_commune` le nombre de besoins non satisfaits (cinq étapes) dans votre
commune, sur les 12 derniers mois, dans la situation de référence.
"""),
        answer("q1", "\n".join([
            "def besoins(resultats):",
            '    return sum(resultats.last_year(f"unmet_{e}", commune=donnees.commune)',
            "               for e in ETAPES)",
            "",
            "",
            "besoins_commune = besoins(reference)",
        ])),
        tests("q1", NAME, "besoins_commune", "besoins_commune", 2),
        read_only("q2_consigne", """
### Question 2 (2 points) — L'effet de chaque option dans votre commune
Rangez dans `effets_commune` une série pandas indexée par `"facilitateurs"` et `"centre"` :
pour chaque option, ses besoins non satisfaits dans votre commune **moins** ceux de la
référence (12 derniers mois). Un effet négatif est une baisse des besoins non satisfaits.
"""),
        answer("q2", "\n".join([
            "effets_commune = pd.Series({",
            '    "facilitateurs": besoins(facilitateurs) - besoins_commune,',
            '    "centre": besoins(centre) - besoins_commune,',
            "})",
        ]), before="import pandas as pd"),
        tests("q2", NAME, "effets_commune", "effets_commune", 2),
        read_only("q3_consigne", """
### Question 3 (2 points) — Quelle part du besoin chaque option évite-t-elle ?
Rangez dans `part_evitee` une série pandas indexée comme `effets_commune` : la part des
besoins non satisfaits de la référence, dans votre commune, que chaque option évite
(positive quand l'option réduit les besoins non satisfaits).
"""),
        answer("q3", "part_evitee = -effets_commune / besoins_commune"),
        tests("q3", NAME, "part_evitee", "part_evitee", 2),
        read_only("q4_consigne", """
### Question 4 (2 points) — Ce que paie le financeur
Rangez dans `cout_annuel` une série pandas indexée comme `effets_commune` : le coût du
programme de chaque option (`cost_programme`, en euros) sur les 12 derniers mois, pour
tout le programme.
"""),
        answer("q4", "\n".join([
            'cout_annuel = pd.Series({"facilitateurs": facilitateurs.last_year("cost_programme"),',
            '                         "centre": centre.last_year("cost_programme")})',
        ])),
        tests("q4", NAME, "cout_annuel", "cout_annuel", 2),
        given("tableau", """
import matplotlib.pyplot as plt

tableau = pd.DataFrame({"effet (besoins)": effets_commune, "part évitée": part_evitee,
                        "coût (euros)": cout_annuel})
print(tableau)
effets_commune.plot.bar()
plt.ylabel("besoins non satisfaits : option moins référence")
plt.show()
"""),
        read_only("explorer", """
## 2. Explorer avant d'écrire

Utilisez la cellule libre pour regarder ce qui compte pour votre note, par exemple :
à quelles étapes chaque option agit (`centre.last_year("unmet_pay", commune=...)`), pour
quels groupes (`coverage="undocumented_no_amu"`, `coverage="lapsed"`), les droits rouverts
(`rights_reopened`), les médecins généralistes trouvés (`dmg_opened`), et les communes
voisines (un centre attire des patients d'ailleurs).
"""),
        free(),
        read_only("m1_consigne", """
### Question 5 (9 points, corrigée par l'équipe avec la grille) — Votre note au collège
En une page (30 à 45 lignes), adressée au collège des bourgmestre et échevins : quelle
option recommandez-vous pour votre commune, pourquoi, et à quelles conditions ? Citez les
chiffres de vos simulations (questions 1 à 4 : ils doivent être ceux de vos propres
simulations), dites pour qui l'option choisie change quelque chose (personnes sans titre
de séjour, hors ordre de mutuelle, ayant droit au BIM sans l'avoir…) et ce que devient
l'autre option. Pensez aux acteurs : CPAS (AMU), mutualités (remise en ordre, BIM),
maisons médicales, Médecins du Monde.
"""),
        written("m1", """
Éléments attendus : une recommandation claire en une phrase ; les quatre chiffres des
questions 1 à 4, exacts et avec leur unité (besoins par an, part, euros par an) ; le coût
par besoin évité ou un raisonnement équivalent ; qui gagne (le centre soigne surtout les
personnes sans droits : sans titre de séjour sans AMU, hors ordre de mutuelle ; les
facilitateurs rouvrent des droits et trouvent un médecin, un effet plus lent qui dure) ;
les conditions (financement après les subsides, articulation avec le CPAS pour l'AMU et
les mutualités, capacité du centre) ; une limite du modèle.
""", 9),
        read_only("m2_consigne", """
### Question 6 (3 points, corrigée par l'équipe avec la grille) — Ce que le modèle ne dit pas
En 6 à 10 lignes : qu'est-ce qui pourrait changer votre recommandation et que vos
simulations ne mesurent pas ? Comment le vérifier sur le terrain (quelles données, quelle
évaluation) ?
"""),
        written("m2", """
Éléments attendus : un horizon d'un an seulement (les facilitateurs agissent sur les droits
et la continuité, des effets qui durent après l'accompagnement) ; une population simulée
petite (le hasard d'une seule graine : relancer sur d'autres graines) ; des paramètres
supposés (efficacité des facilitateurs, capacité du centre) ; les patients venus d'autres
communes ; la fin des subsides. Vérification : le registre du centre, le suivi des
facilitateurs, une double différence à l'ouverture, un essai randomisé par quartier.
""", 3),
    ])
