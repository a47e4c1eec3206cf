"""Use cases: an open round (`rounds.OpenRound`) and one handler per stage kind
(`stages`), between the files (`readers`), the database (`storage`) and the rules (`domain`).
Nothing here prints or exits; views are built here and rendered by `reports`."""
