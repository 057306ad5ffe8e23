"""The handbook's rules chapters `dossier nouveau` writes: templates to adapt, each marked as such.

Taken from the example's handbook (sources/livret/); the marker line makes `dossier check --depot` list
each chapter until the certificateur has rewritten it and removed the line.
"""

from __future__ import annotations

MARQUE = "> Modèle à adapter par le certificateur : relisez chaque règle, complétez les délais et les contacts, puis retirez cette ligne."

CHAPITRES: dict[str, str] = {
    "01-rattrapage.md": """\
# Rattrapage

{marque}

## Principe

Un candidat qui n'a pas acquis un ou plusieurs blocs de compétences conserve le
bénéfice des blocs qu'il a acquis et peut se présenter de nouveau aux épreuves des
seuls blocs non acquis.

Au sein d'un bloc non acquis, le jury peut indiquer, dans son procès-verbal, les
épreuves que le candidat doit repasser. À défaut d'indication, le candidat repasse
toutes les épreuves du bloc.

## Modalités du rattrapage

| Situation | Épreuve de rattrapage | Délai |
|---|---|---|
| Étude de cas non réussie | nouvelle étude de cas, sur un sujet différent | session de rattrapage suivante |
| Rapport d'activités jugé insuffisant | rapport complété ou remanié selon les observations du jury, puis nouvelle soutenance | dans les six mois qui suivent la délibération |
| Absence justifiée à une épreuve | même épreuve, sans que l'absence soit comptée comme une tentative | session suivante |

Le candidat s'inscrit au rattrapage dans le mois qui suit la notification des
résultats. Les épreuves de rattrapage se déroulent dans les mêmes conditions et sont
évaluées selon les mêmes critères que les épreuves initiales.

## Nombre de tentatives

Le candidat peut se présenter au rattrapage à deux reprises au plus pour un même
bloc, dans un délai de deux ans à compter de la première délibération. Au-delà, il
doit s'inscrire de nouveau à la certification ; les blocs déjà acquis restent acquis.

## Accompagnement

Avant une épreuve de rattrapage, le candidat peut demander un entretien avec le
responsable pédagogique de son organisme de formation afin de prendre connaissance
des observations du jury et de préparer la nouvelle épreuve.
""",
    "02-recours.md": """\
# Recours

{marque}

## Ce qui peut être contesté

Le jury est souverain dans son appréciation des compétences du candidat : une
décision ne peut pas être contestée au seul motif que le candidat est en désaccord
avec l'évaluation portée sur son travail.

Un recours est en revanche recevable lorsque le candidat estime que :

- le déroulement d'une épreuve n'a pas respecté les règles de ce livret (durée,
  conditions, documents autorisés, aménagements accordés) ;
- la composition du jury n'était pas conforme à celle qui est prévue pour sa voie
  d'accès ;
- une erreur matérielle a été commise, par exemple dans la transcription des
  résultats.

## Consulter ses grilles d'évaluation

Avant tout recours, le candidat peut demander à consulter les grilles d'évaluation
et les observations du jury le concernant. La demande est adressée par écrit au
certificateur dans le mois qui suit la notification des résultats ; la consultation
a lieu dans les quinze jours.

## Recours gracieux

Le recours est adressé par écrit, par lettre recommandée avec accusé de réception ou
par courrier électronique avec accusé de réception, au président du jury, à
l'adresse du certificateur. Il expose précisément les faits et les motifs invoqués et
joint, le cas échéant, les pièces justificatives.

| Étape | Délai |
|---|---|
| Dépôt du recours | deux mois à compter de la notification des résultats |
| Accusé de réception | huit jours |
| Réponse motivée du certificateur | deux mois à compter de la réception du recours |

Si le recours est fondé, le certificateur peut faire réexaminer le dossier par le
jury ou convoquer le candidat à une nouvelle épreuve, sans frais.

## Autres voies de recours

Si la réponse ne le satisfait pas, le candidat peut saisir la juridiction compétente.
Il peut également signaler à France compétences un manquement du certificateur à ses
obligations.
""",
    "03-handicap.md": """\
# Candidats en situation de handicap

{marque}

## Principe

Le certificateur garantit l'égalité des chances entre les candidats[^loi]. Tout
candidat en situation de handicap, permanent ou temporaire, peut bénéficier
d'aménagements des conditions de passage des épreuves, adaptés à sa situation.

Les aménagements portent sur les **conditions** des épreuves, jamais sur les
**compétences** évaluées ni sur les critères d'évaluation : le candidat est évalué
sur les mêmes exigences que les autres candidats.

## Le référent handicap

Un référent handicap est désigné par le certificateur. Il informe les candidats,
instruit les demandes d'aménagement et veille à ce que les aménagements accordés
soient effectivement mis en œuvre le jour de l'épreuve. Ses coordonnées figurent sur
le site du certificateur et sont communiquées à chaque organisme de formation.

## Aménagements possibles

Selon la situation du candidat, les aménagements peuvent notamment comprendre :

- une majoration du temps de composition, en principe d'un tiers du temps de
  l'épreuve ;
- des pauses, avec ou sans compensation du temps correspondant ;
- un sujet adapté dans sa présentation (gros caractères, format numérique
  accessible) ;
- l'utilisation d'un ordinateur, d'un logiciel ou d'un matériel spécifique ;
- l'assistance d'un secrétaire, d'un lecteur ou d'un interprète en langue des signes
  française ;
- une salle particulière, accessible ou isolée ;
- une soutenance à distance, lorsque le déplacement n'est pas possible.

## Demander un aménagement

La demande est faite au moment de l'inscription, et au plus tard deux mois avant la
première épreuve, sauf lorsque le handicap survient après ce délai. Elle est
adressée au référent handicap et accompagnée :

1. d'un justificatif de la situation de handicap (par exemple la reconnaissance de
   la qualité de travailleur handicapé, une notification de la maison départementale
   des personnes handicapées ou un certificat médical) ;
2. de la description des aménagements demandés ;
3. le cas échéant, des aménagements dont le candidat a bénéficié au cours de sa
   formation ou pour d'autres examens.

Le certificateur notifie sa décision par écrit au candidat, au plus tard un mois
avant l'épreuve. Les aménagements accordés sont rappelés sur la convocation et
s'appliquent, sauf changement de situation, à toutes les épreuves de la
certification, y compris au rattrapage.

## Confidentialité

Les informations médicales transmises sont strictement confidentielles. Seul le
référent handicap en prend connaissance ; le jury est informé des seuls aménagements
accordés.

[^loi]: Conformément à la loi n° 2005-102 du 11 février 2005 pour l'égalité des droits
    et des chances, la participation et la citoyenneté des personnes handicapées.
""",
    "04-fraude.md": """\
# Fraude

{marque}

## Ce qui constitue une fraude

Constitue une fraude, ou une tentative de fraude, tout acte par lequel un candidat
cherche à obtenir pour lui-même ou pour un autre candidat un avantage indu lors des
épreuves, notamment :

- l'utilisation, pendant une étude de cas, de documents, de matériels ou d'appareils
  non autorisés, ou la communication avec une autre personne ;
- la substitution de personne ;
- le plagiat, c'est-à-dire la reprise, dans le rapport d'activités, de textes,
  d'images ou de données produits par d'autres sans en citer la source ;
- la remise d'un rapport rédigé en tout ou partie par un tiers, ou produit par un
  outil d'intelligence artificielle générative sans que cet usage soit signalé ;
- la présentation, comme menées par le candidat, d'actions qu'il n'a pas réalisées ;
- la production de faux documents ou de fausses attestations, notamment dans le
  dossier d'inscription ou de VAE.

## Prévention

Les rapports d'activités sont soumis à un logiciel de détection des similitudes.
Le candidat signe, avec son rapport, une déclaration sur l'honneur attestant qu'il en
est l'auteur et indiquant les outils d'aide à la rédaction qu'il a utilisés.

## Constat

En cas de suspicion de fraude pendant une épreuve, le surveillant ou le jury prend
toutes mesures pour faire cesser la fraude sans interrompre l'épreuve, sauf en cas de
substitution de personne ou de trouble au bon déroulement de l'épreuve. Il saisit les
pièces ou matériels permettant d'établir les faits et rédige un procès-verbal, que
le candidat est invité à contresigner ; son refus de le faire est mentionné au
procès-verbal.

Le candidat suspecté de fraude compose jusqu'à la fin de l'épreuve. Aucun résultat
ne lui est communiqué avant que la procédure soit close.

## Procédure et sanctions

Le certificateur informe le candidat, par écrit, des faits qui lui sont reprochés. Le
candidat dispose de quinze jours pour présenter ses observations, par écrit ou lors
d'un entretien, accompagné s'il le souhaite de la personne de son choix.

Selon la gravité des faits, les sanctions peuvent être :

1. l'annulation de l'épreuve concernée ;
2. l'annulation de l'ensemble des épreuves de la session ;
3. l'interdiction de se présenter aux épreuves de la certification pendant une durée
   qui ne peut excéder cinq ans.

Lorsque la fraude est découverte après la délivrance de la certification ou d'une
attestation de bloc, le certificateur peut retirer la certification ou
l'attestation. La décision motivée est notifiée au candidat, qui peut la contester
dans les conditions prévues au chapitre consacré aux recours.
""",
}


def chapitres() -> dict[str, str]:
    """livret/ file name → Markdown text, with the marker line."""
    return {name: text.replace("{marque}", MARQUE) + "\n" for name, text in CHAPITRES.items()}
