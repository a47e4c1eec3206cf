#!/bin/sh
# The Haimen 2011 example, end to end (made by examples/generate.py; `python3 dev.py demo`
# runs these lines with a temporary database). Paths are relative to the repository root.
set -e
selector init rounds/haimen-2011.toml
# 全市干部大会民主推荐: two counting teams, two files
selector tally rec1 examples/haimen-2011/rec1-a.csv --present 398 --issued 398
selector tally rec1 examples/haimen-2011/rec1-b.csv
selector cut rec1
# 全委会民主推荐; the 1:3 cut is tied on one post and needs a recorded decision
selector tally rec2 examples/haimen-2011/rec2.xlsx --present 56 --issued 56
selector cut rec2 --resolve P09=C092 --reason "两人推荐得分相同，经市委常委会研究，以全委会推荐得票较多者进入考察人选"
# 考察: findings and 民主测评; the veto strikes one person, the backfilled one is inspected next
selector inspect inspect examples/haimen-2011/inspect-findings.csv examples/haimen-2011/inspect-evaluation.csv
selector inspect inspect examples/haimen-2011/inspect-findings-backfill.csv examples/haimen-2011/inspect-evaluation-backfill.csv
selector cut inspect
# 市委常委会差额票决 (long layout: one row per mark)
selector tally vote1 examples/haimen-2011/vote1.csv --layout long --present 10 --issued 10
selector cut vote1
# 道德品行鉴定 of the 拟任人选 by 纪检、信访、综治、审计、计生 (as the 2011 report orders it)
selector inspect moral examples/haimen-2011/moral-findings.csv
selector cut moral
# 市委全委会票决
selector tally vote2 examples/haimen-2011/vote2.csv --present 44 --issued 44
selector cut vote2
# 任前公示: 2011-06-20 plus 5 working days; one anonymous complaint, checked and unfounded
selector notice notice open --start 2011-06-20
selector notice notice complaint --received 2011-06-21 --candidate C125 --anonymous --summary "电话反映其任职期间接受管理服务对象宴请"
selector notice notice resolve 1 --outcome unfounded --note "经市纪委、组织部联合核查，所反映宴请系机关工作餐，按规定结算，反映问题不属实"
selector notice notice close --appointed 2011-06-28
# the shortlists, in surname-stroke order as official lists are printed
selector export rec2 --doc shortlist --format md
selector export inspect --doc shortlist --format md
selector export vote1 --doc shortlist --format md
selector export moral --doc shortlist --format md
selector export vote2 --doc shortlist --format md
selector export notice --doc shortlist --format md
selector status
