"""The référentiel for other systems: 1EdTech CASE, Open Badges 3.0 (achievements, signed credentials), schema.org in the site; a session's holders for the Caisse des Dépôts (accrochage).

A stage after documents/ (it reads the model and may use the views' wording)
and before render/ and pipeline/ (the site embeds schema.org and publishes
the badges). Every export derives its identifiers from the certification's
code and the item's identifier (addresses.py), so two builds give the same
ones and a registry updates rather than duplicates.
"""
