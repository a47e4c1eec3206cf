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
# 考察对象公示: 2011-06-02 plus 5 working days (端午 2011-06-06 is a holiday); no complaints
selector notice preview open --start 2011-06-02
selector notice preview close
# 考察: findings and 民主测评 (each with its unit, 应到 and 实到); the veto strikes one person,
# the one proposed for 递补 is inspected next; the concerns are decided, then the cut records 递补
selector inspect inspect examples/haimen-2011/inspect-findings.csv examples/haimen-2011/inspect-evaluation.csv --unit 市委组织部考察组四德反向测评 --expected 42 --present 40
selector inspect inspect examples/haimen-2011/inspect-findings-backfill.csv examples/haimen-2011/inspect-evaluation-backfill.csv --unit 安平镇机关 --expected 40 --present 38
selector inspect inspect --keep C034 --keep C088 --keep C083 --keep C089 --keep C012 --keep C119 --keep C162 --keep C148 --keep C009 --keep C150 --keep C118 --keep C091 --reason "经市委组织部部务会研究，所反映问题已查清或已整改，不影响继续考察"
selector cut inspect --backfill P14=C091 --reason "原考察对象计生一票否决，经市委组织部部务会研究，按推荐得分依次递补"
# 市委常委会讨论决定 (1:2 on to the 全委会; more than half of the 11 members, 6, to pass): the first
# sitting puts P07 off (暂缓), the second decides it; one member is recused (回避) on P16
selector sitting vote1 examples/haimen-2011/vote1-sitting-1.toml
selector sitting vote1 examples/haimen-2011/vote1-sitting-2.toml
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
selector export preview --doc shortlist --format md
selector export inspect --doc shortlist --format md
selector export vote1 --doc shortlist --format md
selector export moral --doc shortlist --format md
selector export vote2 --doc shortlist --format md
selector export notice --doc shortlist --format md
selector status
