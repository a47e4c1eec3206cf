PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO _sqlite_migrations VALUES(1,'selector','m001_initial','2026-12-01 14:50:59.181889+00:00');
INSERT INTO _sqlite_migrations VALUES(2,'selector','m002_inspect_notice','2026-12-01 14:50:59.182590+00:00');
INSERT INTO _sqlite_migrations VALUES(3,'selector','m003_audit','2026-12-01 14:50:59.182763+00:00');
INSERT INTO _sqlite_migrations VALUES(4,'selector','m004_row_chunks','2026-12-01 14:50:59.184400+00:00');
INSERT INTO _sqlite_migrations VALUES(5,'selector','m005_row_text','2026-12-01 14:50:59.184668+00:00');
INSERT INTO _sqlite_migrations VALUES(6,'selector','m006_record_anchors','2026-12-01 14:50:59.184885+00:00');
INSERT INTO _sqlite_migrations VALUES(7,'selector','m007_corrections','2026-12-01 14:50:59.185458+00:00');
INSERT INTO _sqlite_migrations VALUES(8,'selector','m008_void_papers','2026-12-01 14:50:59.185668+00:00');
CREATE TABLE IF NOT EXISTS "rounds" (
   "id" TEXT PRIMARY KEY,
   "title" TEXT,
   "main" TEXT,
   "sha256" TEXT,
   "at" TEXT
);
INSERT INTO rounds VALUES('qidong-2026','启东市部分局长公推公选','round.toml','efbe35cb8cc6efbea429fa203fa2cc127d2a34cdd2b01d258adfdaf6d3f8069a','2026-05-28T20:26:40+00:00');
CREATE TABLE IF NOT EXISTS "round_files" (
   "round" TEXT,
   "name" TEXT,
   "sha256" TEXT,
   "data" BLOB,
   PRIMARY KEY ("round", "name")
);
INSERT INTO round_files VALUES('qidong-2026','round.toml','efbe35cb8cc6efbea429fa203fa2cc127d2a34cdd2b01d258adfdaf6d3f8069a',X'5b726f756e645d0a6964203d20227169646f6e672d32303236220a7469746c65203d2022e590afe4b89ce5b882e983a8e58886e5b180e995bfe585ace68ea8e585ace98089220a6f7267616e697a6572203d2022e4b8ade585b1e590afe4b89ce5b882e5a794e7bb84e7bb87e983a8220a0a5b5b706f73745d5d0a6964203d2022503031220a7469746c65203d2022e5aea1e8aea1e5b180e5b180e995bf220a7365617473203d20310a0a5b5b706f73745d5d0a6964203d2022503032220a7469746c65203d2022e7bb9fe8aea1e5b180e5b180e995bf220a7365617473203d20310a0a5b5b63616e6469646174655d5d0a6964203d2022433031220a6e616d65203d2022e5bca0e4bc9f220a706f737473203d205b22503031225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433032220a6e616d65203d2022e78e8be88ab3220a706f737473203d205b22503031225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433033220a6e616d65203d2022e69d8ee5a89c220a706f737473203d205b22503031225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433034220a6e616d65203d2022e58898e6b48b220a706f737473203d205b22503031225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433035220a6e616d65203d2022e99988e99d99220a706f737473203d205b22503031225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433036220a6e616d65203d2022e69da8e5869b220a706f737473203d205b22503032225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433037220a6e616d65203d2022e8b5b5e7a38a220a706f737473203d205b22503032225d0a0a5b5b63616e6469646174655d5d0a6964203d2022433038220a6e616d65203d2022e9bb84e6958f220a706f737473203d205b22503032225d0a0a5b5b73746167655d5d0a6964203d202272656331220a6b696e64203d20227265636f6d6d656e64220a7469746c65203d2022e585a8e5a794e4bc9ae6b091e4b8bbe68ea8e88d90220a656c6563746f72617465203d2032300a71756f72756d203d20223e3d20322f33220a0a5b73746167652e6375745d0a726174696f203d2022313a33220a74696573203d2022686f6c64220a0a5b5b73746167655d5d0a6964203d2022696e7370656374220a6b696e64203d2022696e7370656374220a7469746c65203d2022e88083e5af9f220a636865636b73203d205b22e7baaae6a380222c2022e4bfa1e8aebf225d0a6576616c756174696f6e203d207b207363616c65203d205b22e4bc98e7a780222c2022e7a7b0e8818c222c2022e59fbae69cace7a7b0e8818c222c2022e4b88de7a7b0e8818c225d2c20746f70203d205b22e4bc98e7a780222c2022e7a7b0e8818c225d2c2070617373203d20223e3d20322f3322207d0a6261636b66696c6c203d20747275650a0a5b5b73746167655d5d0a6964203d2022766f746531220a6b696e64203d2022766f7465220a7469746c65203d2022e5b882e5a794e5b8b8e5a794e4bc9ae7a5a8e586b3220a6d656d62657273203d20390a71756f72756d203d20223e3d20322f33220a0a5b73746167652e6375745d0a726174696f203d2022313a31220a70617373203d20223e20312f32220a706173735f62617365203d20226d656d62657273220a73686f727466616c6c203d2022616363657074220a0a5b5b73746167655d5d0a6964203d20226e6f74696365220a6b696e64203d20226e6f74696365220a7469746c65203d2022e4bbbbe5898de585ace7a4ba220a776f726b696e675f64617973203d20350a');
CREATE TABLE IF NOT EXISTS "stages" (
   "round" TEXT,
   "stage" TEXT,
   "present" INTEGER,
   "issued" INTEGER,
   "void_papers" INTEGER,
   "locked_at" TEXT,
   "certified_at" TEXT,
   "certificate" TEXT,
   PRIMARY KEY ("round", "stage")
);
INSERT INTO stages VALUES('qidong-2026','rec1',20,20,0,'2026-05-28T20:26:40+00:00',NULL,NULL);
INSERT INTO stages VALUES('qidong-2026','inspect',NULL,NULL,NULL,'2026-05-28T20:26:40+00:00',NULL,NULL);
INSERT INTO stages VALUES('qidong-2026','vote1',NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO stages VALUES('qidong-2026','notice',NULL,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE IF NOT EXISTS "batches" (
   "id" INTEGER PRIMARY KEY,
   "round" TEXT,
   "stage" TEXT,
   "file" TEXT,
   "sha256" TEXT,
   "encoding" TEXT,
   "layout" TEXT,
   "sheet" TEXT,
   "header" TEXT,
   "rows" INTEGER,
   "ballots" INTEGER,
   "event" INTEGER,
   "at" TEXT
, withdrawn INTEGER);
INSERT INTO batches VALUES(1,'qidong-2026','rec1','rec1.csv','51d3fe29509ea03760ce2844e467d685b8ab2bcc3b719f0fa293ec36cf023346','utf-8','wide',NULL,'["票号", "审计局局长", "统计局局长"]',20,20,2,'2026-05-28T20:26:40+00:00',NULL);
CREATE TABLE IF NOT EXISTS "papers" (
   "round" TEXT,
   "stage" TEXT,
   "ballot" TEXT,
   "batch" INTEGER,
   PRIMARY KEY ("round", "stage", "ballot")
);
INSERT INTO papers VALUES('qidong-2026','rec1','001',1);
INSERT INTO papers VALUES('qidong-2026','rec1','002',1);
INSERT INTO papers VALUES('qidong-2026','rec1','003',1);
INSERT INTO papers VALUES('qidong-2026','rec1','004',1);
INSERT INTO papers VALUES('qidong-2026','rec1','005',1);
INSERT INTO papers VALUES('qidong-2026','rec1','006',1);
INSERT INTO papers VALUES('qidong-2026','rec1','007',1);
INSERT INTO papers VALUES('qidong-2026','rec1','008',1);
INSERT INTO papers VALUES('qidong-2026','rec1','009',1);
INSERT INTO papers VALUES('qidong-2026','rec1','010',1);
INSERT INTO papers VALUES('qidong-2026','rec1','011',1);
INSERT INTO papers VALUES('qidong-2026','rec1','012',1);
INSERT INTO papers VALUES('qidong-2026','rec1','013',1);
INSERT INTO papers VALUES('qidong-2026','rec1','014',1);
INSERT INTO papers VALUES('qidong-2026','rec1','015',1);
INSERT INTO papers VALUES('qidong-2026','rec1','016',1);
INSERT INTO papers VALUES('qidong-2026','rec1','017',1);
INSERT INTO papers VALUES('qidong-2026','rec1','018',1);
INSERT INTO papers VALUES('qidong-2026','rec1','019',1);
INSERT INTO papers VALUES('qidong-2026','rec1','020',1);
CREATE TABLE IF NOT EXISTS "post_results" (
   "round" TEXT,
   "stage" TEXT,
   "post" TEXT,
   "returned" INTEGER,
   "void" INTEGER,
   "blank" INTEGER,
   "weighted_valid" TEXT,
   "overvotes" INTEGER,
   PRIMARY KEY ("round", "stage", "post")
);
INSERT INTO post_results VALUES('qidong-2026','rec1','P01',20,0,0,'20',0);
INSERT INTO post_results VALUES('qidong-2026','rec1','P02',20,0,0,'20',0);
CREATE TABLE IF NOT EXISTS "results" (
   "round" TEXT,
   "stage" TEXT,
   "post" TEXT,
   "candidate" TEXT,
   "votes" INTEGER,
   "weighted" TEXT,
   "no" INTEGER,
   "abstain" INTEGER,
   "invalid" INTEGER,
   "by_category" TEXT,
   PRIMARY KEY ("round", "stage", "post", "candidate")
);
INSERT INTO results VALUES('qidong-2026','rec1','P01','C01',7,'7',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P01','C02',5,'5',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P01','C03',4,'4',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P01','C04',3,'3',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P01','C05',1,'1',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P02','C06',10,'10',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P02','C07',6,'6',0,0,0,'{}');
INSERT INTO results VALUES('qidong-2026','rec1','P02','C08',4,'4',0,0,0,'{}');
CREATE TABLE IF NOT EXISTS "invalid_marks" (
   "round" TEXT,
   "stage" TEXT,
   "post" TEXT,
   "ballot" TEXT,
   "text" TEXT,
   "reason" TEXT
);
CREATE TABLE IF NOT EXISTS "cuts" (
   "round" TEXT,
   "stage" TEXT,
   "post" TEXT,
   "status" TEXT,
   "advanced" TEXT,
   "decision" TEXT,
   "chosen" TEXT,
   "reason" TEXT,
   PRIMARY KEY ("round", "stage", "post")
);
INSERT INTO cuts VALUES('qidong-2026','rec1','P01','ok','["C01","C02","C03"]',NULL,'[]',NULL);
INSERT INTO cuts VALUES('qidong-2026','rec1','P02','ok','["C06","C07","C08"]',NULL,'[]',NULL);
INSERT INTO cuts VALUES('qidong-2026','inspect','P01','ok','["C01","C03","C04"]',NULL,'[]',NULL);
INSERT INTO cuts VALUES('qidong-2026','inspect','P02','ok','["C06","C07","C08"]',NULL,'[]',NULL);
CREATE TABLE IF NOT EXISTS "events" (
   "id" INTEGER PRIMARY KEY,
   "round" TEXT,
   "at" TEXT,
   "operator" TEXT,
   "command" TEXT,
   "stage" TEXT,
   "details" TEXT,
   "files" TEXT,
   "prev" TEXT,
   "hash" TEXT
);
INSERT INTO events VALUES(1,'qidong-2026','2026-05-28T20:26:40+00:00','组织部干部科','init',NULL,'{"change":"stored","file":"round.toml","sha256":"efbe35cb8cc6efbea429fa203fa2cc127d2a34cdd2b01d258adfdaf6d3f8069a","title":"启东市部分局长公推公选"}','{"round.toml":"efbe35cb8cc6efbea429fa203fa2cc127d2a34cdd2b01d258adfdaf6d3f8069a"}','0000000000000000000000000000000000000000000000000000000000000000','fdfb6e33a6d8abe654a1f7340f3c4f4a3073b1950eb905bbe01d8e66cd1b3636');
INSERT INTO events VALUES(2,'qidong-2026','2026-05-28T20:26:40+00:00','组织部干部科','tally','rec1','{"batches":[{"ballots":20,"encoding":"utf-8","file":"rec1.csv","rows":20,"rows_sha256":"6e62254be8d33469e4509693be17a42ad141adb23fe17769a4fafae716d825d1","sha256":"51d3fe29509ea03760ce2844e467d685b8ab2bcc3b719f0fa293ec36cf023346","sheet":null}],"issued":20,"layout":"wide","present":20,"results_sha256":"618e1b10daf38e3135b9093f474e67bfc841bb25da88157d289d6b45b2100a39","returned":20,"returned_before":0,"voided":0}','{"rec1.csv":"51d3fe29509ea03760ce2844e467d685b8ab2bcc3b719f0fa293ec36cf023346"}','fdfb6e33a6d8abe654a1f7340f3c4f4a3073b1950eb905bbe01d8e66cd1b3636','ac55c266e678df1f541c09acab488905365ef45eb7f55fb7bd61783ee4294090');
INSERT INTO events VALUES(3,'qidong-2026','2026-05-28T20:26:40+00:00','组织部干部科','cut','rec1','{"posts":{"P01":{"advanced":["C01","C02","C03"],"status":"ok"},"P02":{"advanced":["C06","C07","C08"],"status":"ok"}}}','{}','ac55c266e678df1f541c09acab488905365ef45eb7f55fb7bd61783ee4294090','1c4cd04d448625f90143aa9b922f22bdae5bff6d5d3c5d6eee3507e8b0e6cdd6');
INSERT INTO events VALUES(4,'qidong-2026','2026-05-28T20:26:40+00:00','组织部干部科','inspect','inspect','{"files":[{"concerns":[],"encoding":"utf-8","file":"findings.csv","findings":12,"kind":"findings","rows_sha256":"94b14832a59114403448c8c26c98274bb3e16c4ae54536560b430d6e49372cf5","sheet":null,"vetoes":["C02 纪检"]},{"concerns":[],"encoding":"utf-8","file":"findings-2.csv","findings":2,"kind":"findings","rows_sha256":"31842aeecc9d8772f5a1ac6dfbaa977d2cadfbc257d6fff31643a2eb001a59b2","sheet":null,"vetoes":[]},{"ballots":3,"candidates":["C01","C03","C04","C06","C07","C08"],"encoding":"utf-8","file":"evaluation.csv","kind":"evaluation","rows_sha256":"d460a285e533b332e2f7ff8020606534a8387fdc6140aab0892969e57f7649b0","sheet":null,"void":0}]}','{"evaluation.csv":"2de1cf52320f228d9ee8c665dc1327839eb055f0719dedd2dc3d0e754e6b7f83","findings-2.csv":"04f0ebd4d9320cbccbd3fa69c783132c96da214c564d562025fcfcdd83726901","findings.csv":"10d7a4f0b5a297f8729ea261ddd0891eb081d412b74753395a054ca6f2457fe9"}','1c4cd04d448625f90143aa9b922f22bdae5bff6d5d3c5d6eee3507e8b0e6cdd6','c71c3513a08137d08d67a6e96e99a80a30758acce531f645c75c1bc392621fb5');
INSERT INTO events VALUES(5,'qidong-2026','2026-05-28T20:26:40+00:00','组织部干部科','cut','inspect','{"posts":{"P01":{"advanced":["C01","C03","C04"],"backfilled":["C04"],"status":"ok","struck":["C02"]},"P02":{"advanced":["C06","C07","C08"],"backfilled":[],"status":"ok","struck":[]}},"struck":{"C02":{"evaluation":null,"vetoes":["纪检"]}}}','{}','c71c3513a08137d08d67a6e96e99a80a30758acce531f645c75c1bc392621fb5','5d7cc9897be621dc74ea9c9bc01a818d3db9d059de1b4403d1cd9d3861b53ffd');
CREATE TABLE IF NOT EXISTS "inspection_files" (
   "id" INTEGER PRIMARY KEY,
   "round" TEXT,
   "stage" TEXT,
   "kind" TEXT,
   "file" TEXT,
   "sha256" TEXT,
   "encoding" TEXT,
   "sheet" TEXT,
   "header" TEXT,
   "rows" TEXT,
   "event" INTEGER,
   "at" TEXT
, withdrawn INTEGER);
INSERT INTO inspection_files VALUES(1,'qidong-2026','inspect','findings','findings.csv','10d7a4f0b5a297f8729ea261ddd0891eb081d412b74753395a054ca6f2457fe9','utf-8',NULL,'["候选人", "鉴定部门", "结论", "备注"]','[[2, ["张伟", "纪检", "通过", ""]], [3, ["张伟", "信访", "通过", ""]], [4, ["王芳", "纪检", "否决", ""]], [5, ["王芳", "信访", "通过", ""]], [6, ["李娜", "纪检", "通过", ""]], [7, ["李娜", "信访", "通过", ""]], [8, ["杨军", "纪检", "通过", ""]], [9, ["杨军", "信访", "通过", ""]], [10, ["赵磊", "纪检", "通过", ""]], [11, ["赵磊", "信访", "通过", ""]], [12, ["黄敏", "纪检", "通过", ""]], [13, ["黄敏", "信访", "通过", ""]]]',4,'2026-05-28T20:26:40+00:00',NULL);
INSERT INTO inspection_files VALUES(2,'qidong-2026','inspect','findings','findings-2.csv','04f0ebd4d9320cbccbd3fa69c783132c96da214c564d562025fcfcdd83726901','utf-8',NULL,'["候选人", "鉴定部门", "结论", "备注"]','[[2, ["刘洋", "纪检", "通过", ""]], [3, ["刘洋", "信访", "通过", ""]]]',4,'2026-05-28T20:26:40+00:00',NULL);
INSERT INTO inspection_files VALUES(3,'qidong-2026','inspect','evaluation','evaluation.csv','2de1cf52320f228d9ee8c665dc1327839eb055f0719dedd2dc3d0e754e6b7f83','utf-8',NULL,'["票号", "张伟", "李娜", "刘洋", "杨军", "赵磊", "黄敏"]','[[2, ["E1", "优秀", "优秀", "优秀", "优秀", "优秀", "优秀"]], [3, ["E2", "称职", "称职", "称职", "称职", "称职", "称职"]], [4, ["E3", "基本称职", "基本称职", "基本称职", "基本称职", "基本称职", "基本称职"]]]',4,'2026-05-28T20:26:40+00:00',NULL);
CREATE TABLE IF NOT EXISTS "findings" (
   "round" TEXT,
   "stage" TEXT,
   "candidate" TEXT,
   "check_name" TEXT,
   "verdict" TEXT,
   "note" TEXT,
   "file" INTEGER,
   "line" INTEGER,
   PRIMARY KEY ("round", "stage", "candidate", "check_name")
);
INSERT INTO findings VALUES('qidong-2026','inspect','C01','纪检','clear','',1,2);
INSERT INTO findings VALUES('qidong-2026','inspect','C01','信访','clear','',1,3);
INSERT INTO findings VALUES('qidong-2026','inspect','C02','纪检','veto','',1,4);
INSERT INTO findings VALUES('qidong-2026','inspect','C02','信访','clear','',1,5);
INSERT INTO findings VALUES('qidong-2026','inspect','C03','纪检','clear','',1,6);
INSERT INTO findings VALUES('qidong-2026','inspect','C03','信访','clear','',1,7);
INSERT INTO findings VALUES('qidong-2026','inspect','C06','纪检','clear','',1,8);
INSERT INTO findings VALUES('qidong-2026','inspect','C06','信访','clear','',1,9);
INSERT INTO findings VALUES('qidong-2026','inspect','C07','纪检','clear','',1,10);
INSERT INTO findings VALUES('qidong-2026','inspect','C07','信访','clear','',1,11);
INSERT INTO findings VALUES('qidong-2026','inspect','C08','纪检','clear','',1,12);
INSERT INTO findings VALUES('qidong-2026','inspect','C08','信访','clear','',1,13);
INSERT INTO findings VALUES('qidong-2026','inspect','C04','纪检','clear','',2,2);
INSERT INTO findings VALUES('qidong-2026','inspect','C04','信访','clear','',2,3);
CREATE TABLE IF NOT EXISTS "evaluation_papers" (
   "round" TEXT,
   "stage" TEXT,
   "ballot" TEXT,
   "file" INTEGER,
   "void" TEXT,
   PRIMARY KEY ("round", "stage", "ballot")
);
INSERT INTO evaluation_papers VALUES('qidong-2026','inspect','E1',3,NULL);
INSERT INTO evaluation_papers VALUES('qidong-2026','inspect','E2',3,NULL);
INSERT INTO evaluation_papers VALUES('qidong-2026','inspect','E3',3,NULL);
CREATE TABLE IF NOT EXISTS "evaluation_grades" (
   "round" TEXT,
   "stage" TEXT,
   "ballot" TEXT,
   "candidate" TEXT,
   "grade" TEXT,
   "unclear" INTEGER,
   PRIMARY KEY ("round", "stage", "ballot", "candidate")
);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C01','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C03','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C04','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C06','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C07','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E1','C08','优秀',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C01','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C03','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C04','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C06','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C07','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E2','C08','称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C01','基本称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C03','基本称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C04','基本称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C06','基本称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C07','基本称职',0);
INSERT INTO evaluation_grades VALUES('qidong-2026','inspect','E3','C08','基本称职',0);
CREATE TABLE IF NOT EXISTS "notices" (
   "round" TEXT,
   "stage" TEXT,
   "start" TEXT,
   "end" TEXT,
   "working_days" INTEGER,
   "calendar" TEXT,
   "warning" TEXT,
   "at" TEXT,
   PRIMARY KEY ("round", "stage")
);
CREATE TABLE IF NOT EXISTS "complaints" (
   "round" TEXT,
   "stage" TEXT,
   "number" INTEGER,
   "received" TEXT,
   "candidate" TEXT,
   "summary" TEXT,
   "named" INTEGER,
   "outcome" TEXT,
   "note" TEXT,
   "until" TEXT,
   "at" TEXT,
   "resolved_at" TEXT, withdrawn INTEGER,
   PRIMARY KEY ("round", "stage", "number")
);
CREATE TABLE IF NOT EXISTS "row_chunks" (
   "batch" INTEGER,
   "first_line" INTEGER,
   "last_line" INTEGER,
   "cells" TEXT, text TEXT,
   PRIMARY KEY ("batch", "first_line")
);
INSERT INTO row_chunks VALUES(1,1,21,NULL,replace(replace('票号,审计局局长,统计局局长\r\n001,张伟,杨军\r\n002,张伟,杨军\r\n003,张伟,杨军\r\n004,张伟,杨军\r\n005,张伟,杨军\r\n006,张伟,杨军\r\n007,张伟,杨军\r\n008,王芳,杨军\r\n009,王芳,杨军\r\n010,王芳,杨军\r\n011,王芳,赵磊\r\n012,王芳,赵磊\r\n013,李娜,赵磊\r\n014,李娜,赵磊\r\n015,李娜,赵磊\r\n016,李娜,赵磊\r\n017,刘洋,黄敏\r\n018,刘洋,黄敏\r\n019,刘洋,黄敏\r\n020,陈静,黄敏\r\n','\r',char(13)),'\n',char(10)));
CREATE TABLE IF NOT EXISTS "selector_meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);
INSERT INTO selector_meta VALUES('exact_times_from','1');
INSERT INTO selector_meta VALUES('needs','0.1.0');
CREATE TABLE IF NOT EXISTS "void_papers" (
   "round" TEXT,
   "stage" TEXT,
   "ballot" TEXT,
   "post" TEXT,
   "reason" TEXT
);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE INDEX "idx_invalid_marks_round_stage"
    ON "invalid_marks" ("round", "stage");
CREATE INDEX "idx_events_round"
    ON "events" ("round");
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE UNIQUE INDEX idx_batches_live_sha256 ON batches (round, stage, sha256) WHERE withdrawn IS NULL;
CREATE UNIQUE INDEX idx_inspection_files_live_sha256 ON inspection_files (round, stage, sha256) WHERE withdrawn IS NULL;
CREATE INDEX "idx_void_papers_round_stage"
    ON "void_papers" ("round", "stage");
COMMIT;
