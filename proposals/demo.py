"""Demo innovation proposals (創意提案) for `seed_demo`: one or more in every state.

Everything goes through the public services, as the people of the demo
organisation (governance/demo.py) would do it in the pages: drafts are saved and
submitted by their proposers, the first review is the unit head's, the 管考
office assigns the committee, members score, the director decides, the lead
unit's liaison plans and reports, its head approves, and the 管考 office
evaluates. So each proposal has a real flow and a real, verifiable trail.

Loaded only into a database without any proposal: running `seed_demo` again
changes nothing, and a database with real proposals is never mixed with demo ones.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import Unit
from plan.selectors import practice_numbered

from . import selectors, services
from .models import Proposal, ScopeCategory

# Scores in the order of the year's criteria (default: 創意性, 可行性, 效益性, 完整性).
EXCELLENT = (95, 90, 94, 90)  # 特優
VERY_GOOD = (90, 86, 88, 84)  # 優等
GOOD = (84, 82, 83, 80)  # 甲等
FAIR = (80, 78, 79, 76)  # below every grade
WEAK = (72, 60, 70, 68)

# Each case: who proposes (login), co-proposers [(login, share)], the content, then the
# steps it goes through, in order. The list order is the order of submission: an
# earlier proposal is what the similarity check shows for a later, similar one.
CASES = [
    {
        "key": "pickup",
        "by": "readers-staff1",
        "co": [("readers-staff2", 40)],
        "category": "讀者服務",
        "plan_item": "2.6",
        "title": "增設預約書自助取書區，縮短讀者櫃檯等候時間",
        "situation": (
            "本館預約書到館後由館員上架於櫃檯後方書架，讀者取書須排隊由館員查找、核對身分後辦理借閱。"
            "週末及平日晚間尖峰時段，櫃檯平均等候時間超過 10 分鐘；預約書交付約占櫃檯服務量四成，"
            "館員無暇處理其他諮詢。"
        ),
        "improvement": (
            "於一樓借還書區旁設置開架式預約書自助取書區，預約書依讀者證號末三碼排架，書條僅顯示末三碼"
            "與遮蔽後之姓名（如「王○明」）以保護個人資料；讀者自行取書後至自助借書機刷證借出，系統於借出時"
            "核對預約人，非本人無法借出。取書區設置監視器，並由櫃檯館員定時巡視。"
        ),
        "benefit": (
            "預估減少櫃檯預約書交付量六成以上，讀者取書時間由平均 10 分鐘縮短至 2 分鐘內；館員可將時間"
            "轉用於參考諮詢與讀者輔導，呼應本館計畫「預約書到館主動、即時通知取書」之推動作法。"
        ),
        "steps": [
            ("accept", "作法具體，同意受理。"),
            ("assign", ["committee1", "committee2", "external1"]),
            ("score", "committee1", EXCELLENT, "兼顧便利與個資保護，值得推廣。"),
            ("score", "committee2", (93, 92, 95, 88), ""),
            ("score", "external1", (96, 88, 92, 90), "可作為其他公共圖書館標竿。"),
            (
                "decide",
                "adopt",
                "可有效縮短讀者等候時間，請閱覽典藏組主辦，企劃推廣組協助宣導。",
                "readers",
                ["planning"],
                120,
            ),
            (
                "plan",
                "第一階段規劃取書區位置並採購書架；第二階段修改自動化系統之預約書排架號與書條格式；"
                "第三階段試辦一個月後全面啟用，並於館訊及網站宣導。",
                [
                    ("完成取書區規劃及書架採購", 30),
                    ("自動化系統書條格式修改完成", 60),
                    ("試辦後全面啟用", 100),
                ],
            ),
            (
                "report",
                100,
                "預約書自助取書區已於一樓借還書區旁啟用，設置書架 6 座，可容納預約書 1,200 冊；"
                "試辦一個月櫃檯預約書交付量下降 63%，未發生誤取情形。",
                True,
            ),
            ("approve", "同意報請成效評估，請持續觀察假日使用情形。"),
            (
                "evaluate",
                "優良",
                "啟用三個月，預約書平均取書時間由 11 分鐘降為 2 分鐘，櫃檯交付量減少 65%；"
                "讀者滿意度調查「預約取書便利性」由 3.6 分提升至 4.5 分（5 分量表）。",
            ),
        ],
    },
    {
        "key": "chungshan_booking",
        "by": "chungshan-liaison",
        "co": [("chungshan-staff1", 30)],
        "category": "資訊系統",
        "plan_item": "3.4",
        "title": "中山樓參觀導覽建置線上預約及剩餘名額即時查詢",
        "situation": (
            "中山樓團體參觀目前須以電話或傳真預約，承辦同仁以紙本登記場次與人數，常有重複登記或漏登情形；"
            "民眾無法即時得知各場次剩餘名額，須來回電詢，平日電話量約 40 通，旺季倍增。"
        ),
        "improvement": (
            "於本館網站建置中山樓導覽線上預約表單，串接場次名額資料庫，即時顯示各場次剩餘名額；預約成功後"
            "系統自動寄送確認信及行前須知，參觀前 3 日再以電子郵件及簡訊提醒；後台可匯出每日導覽名冊，"
            "取代紙本登記。"
        ),
        "benefit": (
            "減少電話及傳真預約作業量七成，避免重複登記；民眾可隨時查詢名額並自行預約，提升遊客滿意度，"
            "並累積參觀統計資料作為導覽人力調度依據。"
        ),
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", VERY_GOOD, ""),
            ("score", "committee2", (89, 88, 86, 85), "建議保留電話預約管道予高齡團體。"),
            (
                "decide",
                "adopt",
                "符合便民服務方向，請中山樓管理所主辦，企劃推廣組協助網站建置。",
                "chungshan",
                ["planning"],
                130,
            ),
            (
                "plan",
                "委外擴充網站預約模組並建置場次名額資料庫；上線後停止傳真預約，電話預約改由同仁代為線上登錄。",
                [
                    ("完成系統需求訪談與規格確認", 20),
                    ("線上預約系統上線試營運", 70),
                    ("停止傳真預約並全面改用線上預約", 110),
                ],
            ),
            (
                "report",
                100,
                "線上預約系統已正式上線，本季線上預約 428 件，占全部預約 81%；傳真預約已停止受理。",
                True,
            ),
            ("approve", "同意。"),
            (
                "evaluate",
                "良好",
                "上線後電話預約量由每日約 40 通降至 9 通，未再發生重複登記；惟高齡團體仍偏好電話預約，"
                "建議保留電話代登管道。",
            ),
        ],
    },
    {
        "key": "reimbursement",
        "by": "accounting-staff1",
        "co": [("secretariat-staff1", 30), ("accounting-staff2", 20)],
        "category": "行政效率",
        "plan_item": "2.2",
        "title": "小額採購核銷改採線上填報與電子憑證黏存",
        "situation": (
            "各組室小額採購（新臺幣 1 萬元以下）核銷須填寫紙本黏存單，逐級蓋章後送會計室審核；單據缺漏或"
            "填寫錯誤時須退回重填，平均核銷時程約 12 個工作天。全年約 1,800 件，紙本用量與往返傳遞時間可觀。"
        ),
        "improvement": (
            "於現行公文線上簽核系統增設「小額採購核銷」表單，由承辦人線上填列品項、金額及預算科目，系統自動"
            "檢核預算餘額與必填欄位；發票、收據以掃描檔上傳，紙本正本每月集中送會計室一次；會計室審核意見"
            "於線上回覆，補正不必重跑流程。"
        ),
        "benefit": (
            "核銷時程預估由 12 個工作天縮短至 5 個工作天，退件率降低；每年減少紙張約 5,000 張，"
            "並留存完整電子紀錄，便於內部稽核。"
        ),
        "steps": [
            ("accept", "跨組室合作提案，同意受理。"),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", GOOD, ""),
            ("score", "committee2", (85, 83, 84, 80), ""),
            (
                "decide",
                "adopt",
                "可縮短核銷時程並減少紙本，請會計室主辦，秘書室協助表單建置。",
                "accounting",
                ["secretariat"],
                120,
            ),
            (
                "plan",
                "會計室訂定線上核銷表單欄位及檢核規則，秘書室協助於簽核系統建置表單；先由企劃推廣組及會計室"
                "試辦兩個月，再推廣全館。",
                [("表單欄位及檢核規則確定", 30), ("兩組室試辦", 75), ("全館推廣", 110)],
            ),
            (
                "report",
                100,
                "線上核銷表單已於全館啟用，本季線上核銷 463 件，平均核銷時程 4.6 個工作天，"
                "退件率由 18% 降為 6%。",
                True,
            ),
            ("approve", ""),
            (
                "evaluate",
                "優良",
                "全館啟用後核銷時程縮短六成，本季減少紙張用量約 1,400 張；內部稽核抽查電子紀錄完整。",
            ),
        ],
    },
    {
        "key": "marc_import",
        "by": "acquisitions-staff1",
        "co": [],
        "category": "館藏發展",
        "plan_item": "3.1",
        "title": "新書書目資料批次轉入，縮短新書上架時程",
        "situation": (
            "新書到館後，編目人員須逐筆比對書商提供之書目清單並手動建檔，每月約 2,500 冊，從到館至上架平均"
            "需 21 天，讀者常反映新書「查得到卻借不到」。"
        ),
        "improvement": (
            "要求得標書商依契約提供 MARC21 格式書目檔，以本組撰寫之轉檔程式自動比對 ISBN 與既有館藏，"
            "重複者標記為複本，新書批次轉入自動化系統；編目人員僅需複核分類號與主題詞，並於到館 7 日內"
            "完成加工上架。"
        ),
        "benefit": (
            "新書上架時程由 21 天縮短為 10 天內；編目人力可轉投入特藏資料與臺灣學文獻之編目，讀者可更快借閱新書。"
        ),
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", VERY_GOOD, ""),
            ("score", "committee2", (88, 90, 87, 86), "建議西文書一併納入。"),
            ("decide", "adopt", "可具體縮短新書上架時程，請採訪編目組主辦。", "acquisitions", [], 100),
            (
                "plan",
                "與得標書商協調提供 MARC21 書目檔，撰寫轉檔比對程式，先以中文新書試行，再擴及西文書。",
                [
                    ("書商契約增列書目檔交付條款", 20),
                    ("轉檔程式完成並以中文新書試行", 60),
                    ("西文新書納入批次轉入", 90),
                ],
            ),
            (
                "report",
                100,
                "轉檔程式已上線，本季新書 2,610 冊中 2,344 冊以批次轉入，新書到館至上架平均 8.5 天。",
                True,
            ),
            ("approve", "成果良好，同意報請成效評估。"),
        ],
    },
    {
        "key": "rare_books",
        "by": "reference-staff1",
        "co": [("reference-liaison", 30)],
        "category": "館藏發展",
        "plan_item": "1.3",
        "title": "古籍善本數位影像開放線上申請調閱",
        "situation": (
            "本館典藏日治時期及清代古籍善本逾 2 萬冊，為保護原件，讀者須親自到館填寫紙本申請單，經審核後"
            "於特藏室閱覽微縮片或數位影像；外縣市及海外研究者往返不便，每年來信詢問逾 300 件。"
        ),
        "improvement": (
            "將已完成數位化之古籍影像分級開放：屬公共領域者於館藏目錄直接提供低解析度瀏覽；研究用高解析度"
            "影像開放線上申請，申請人上傳身分及研究用途說明，經本組審核後以限時下載連結提供並加註浮水印；"
            "同步建立調閱紀錄供統計。"
        ),
        "benefit": (
            "研究者免於往返，擴大臺灣學研究資源之利用；減少原件及微縮片調閱次數，降低古籍損傷風險；"
            "預估每年線上調閱 1,000 件以上。"
        ),
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2", "external1"]),
            ("score", "committee1", (92, 85, 93, 90), ""),
            ("score", "committee2", (90, 84, 90, 88), ""),
            ("score", "external1", (94, 86, 95, 92), "對臺灣學研究社群助益甚大。"),
            (
                "decide",
                "adopt",
                "有助臺灣學研究資源開放，請參考特藏組主辦，閱覽典藏組協助申請審核作業。",
                "reference",
                ["readers"],
                270,
            ),
            (
                "plan",
                "分三階段辦理：一、公共領域古籍影像於館藏目錄開放瀏覽；二、建置線上申請及審核功能；"
                "三、高解析度影像限時下載並加註浮水印。",
                [
                    ("公共領域影像開放瀏覽", 60),
                    ("線上申請審核功能上線", 150),
                    ("高解析影像限時下載服務啟用", 240),
                ],
            ),
            (
                "report",
                25,
                "已完成 3,200 冊公共領域古籍影像權利檢核，檢核清單及數量統計表如附；影像轉檔進行中。",
                False,
            ),
            ("approve", "進度良好，浮水印規格請先會法制單位確認。"),
        ],
    },
    {
        "key": "newsletter",
        "by": "planning-staff2",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.2",
        "title": "電子報改版並依讀者興趣分眾寄送",
        "situation": (
            "本館電子報每月寄送一次，內容涵蓋全館所有活動訊息，篇幅冗長，開信率僅 12%，退訂數逐月增加；"
            "讀者反映找不到與自己相關的資訊。"
        ),
        "improvement": (
            "訂閱時讓讀者勾選興趣主題（親子、樂齡、臺灣學、多元文化、研習課程等），電子報改採模組化版型，"
            "依主題組合內容分眾寄送；活動報名頁面附加訂閱連結，並每季分析開信及點閱數據調整主題。"
        ),
        "benefit": "開信率目標提升至 25% 以上，活動報名人數增加；讀者收到的訊息更精準，退訂率下降。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee2", "external1"]),
            ("score", "committee2", (86, 88, 84, 85), ""),
            ("score", "external1", (85, 86, 86, 82), ""),
            ("decide", "adopt", "請企劃推廣組依規劃辦理，並注意個人資料保護。", "planning", [], 150),
            (
                "plan",
                "建立訂閱者興趣主題欄位，設計模組化電子報版型，分眾寄送後每季分析開信率。",
                [
                    ("完成訂閱者興趣調查與主題分類", 30),
                    ("模組化版型設計完成", 60),
                    ("分眾電子報正式發送", 90),
                ],
            ),
            (
                "report",
                30,
                "已完成訂閱者興趣調查，確定親子、樂齡、臺灣學、多元文化、研習課程 5 類主題。",
                False,
            ),
            ("return_report", "請補附問卷回收數與各主題勾選統計表。"),
            (
                "report",
                30,
                "已完成訂閱者興趣調查，回收 2,140 份，各主題勾選統計表如附；確定 5 類主題。",
                False,
            ),
        ],
    },
    {
        "key": "study_seats",
        "by": "readers-liaison",
        "co": [],
        "category": "讀者服務",
        "plan_item": "3.2",
        "title": "自習室座位線上預約及逾時未到自動釋出",
        "situation": (
            "本館自習室共 320 席，考季期間開館前即大排長龍，部分讀者以物品佔位後長時間離席，座位實際使用率"
            "不足六成；館員巡場勸導常引發爭執。"
        ),
        "improvement": (
            "建置自習室座位預約系統，讀者以借閱證於網站或館內觸控機預約座位，到館後 30 分鐘內須掃描座位 "
            "QR Code 報到；逾時未報到或離席超過 60 分鐘未回，系統自動釋出座位並記點，累計 3 點者暫停預約 7 日。"
        ),
        "benefit": (
            "座位使用率預估提升至八成以上，減少佔位爭議及館員巡場勸導負擔；預約及使用數據可作為調整開放時段之依據。"
        ),
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", (88, 84, 90, 85), ""),
            ("score", "committee2", (86, 85, 88, 84), ""),
            (
                "decide",
                "adopt",
                "請閱覽典藏組主辦，企劃推廣組協助宣導；規則公告前應充分周知讀者。",
                "readers",
                ["planning"],
                150,
            ),
            (
                "plan",
                "採購座位預約系統並於自習室座位張貼 QR Code，訂定使用規則公告後試辦一個月。",
                [("系統採購決標", 45), ("座位 QR Code 建置及規則公告", 90), ("全面實施", 120)],
            ),
            ("report", 20, "已完成需求規格書及採購簽陳，預計下月上網公告招標。", False),
        ],
    },
    {
        "key": "countersign",
        "by": "secretariat-staff2",
        "co": [],
        "category": "行政效率",
        "plan_item": "2.2",
        "title": "公文線上簽核增設會辦時限提醒與逾期統計",
        "situation": (
            "跨組室會辦公文常在會辦單位停留過久，承辦人須以電話催辦；目前系統無法顯示會辦停留時間，"
            "秘書室每月人工統計逾期公文約費時 2 日。"
        ),
        "improvement": (
            "於線上簽核系統設定會辦時限（一般件 2 日、速件 1 日），到期前 4 小時以系統訊息及電子郵件提醒"
            "會辦人；逾期者列入每週逾期統計表，自動寄送各組室主管，統計表依組室、承辦人列示，可直接點選檢視公文。"
        ),
        "benefit": "會辦平均停留時間預估縮短 30%，減少電話催辦；逾期統計由人工 2 日改為系統自動產出。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "external1"]),
            ("score", "committee1", GOOD, ""),
            ("score", "external1", (83, 85, 82, 81), ""),
            ("decide", "adopt", "請秘書室主辦。", "secretariat", [], 120),
            (
                "plan",
                "與系統廠商協調增設會辦時限參數及提醒功能，秘書室同時訂定會辦時限規定。",
                [("會辦時限規定簽核發布", 30), ("系統提醒功能上線", 80), ("每週逾期統計表自動寄送", 100)],
            ),
        ],
    },
    {
        "key": "onboarding",
        "by": "personnel-staff2",
        "co": [],
        "category": "行政效率",
        "plan_item": "2.2",
        "title": "新進同仁數位學習地圖與線上報到清單",
        "situation": (
            "新進同仁報到時須至人事、總務、資訊等多處辦理手續並領取資料，各組室業務介紹散見不同文件，新人常"
            "不知向誰詢問，平均需 2 週方能熟悉基本作業。"
        ),
        "improvement": (
            "整合「幸福加油站－各組室業務指南」，建置新進同仁數位學習地圖：依報到第 1 天、第 1 週、第 1 個月"
            "列出應完成事項與線上課程；報到手續改為線上清單，完成一項勾選一項，主管可檢視進度；各組室指定一位引導人。"
        ),
        "benefit": "縮短新進同仁適應期，減少各單位重複說明；完成紀錄可作為試用期考核之佐證。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", (84, 86, 82, 84), ""),
            ("score", "committee2", GOOD, ""),
            ("decide", "adopt", "請人事室主辦，各組室指定引導人配合。", "personnel", [], 180),
        ],
    },
    {
        "key": "signage",
        "by": "planning-liaison",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.1",
        "title": "館內指標系統全面更新為中、英、日、韓四語",
        "situation": (
            "本館館內指標多為中英雙語，近年外籍觀光客及新住民讀者增加，日、韓籍參訪團常須館員陪同引導；"
            "部分指標字體過小、色彩對比不足，不符無障礙設計原則。"
        ),
        "improvement": (
            "委託專業設計團隊重新規劃全館指標系統，主要動線指標增加日、韓語並加大字體、提高對比；樓層平面圖"
            "加註點字及觸覺標示，並於入口設置多語 QR Code 導覽。"
        ),
        "benefit": "提升外籍讀者及視障讀者自主尋路能力，減少館員引導人力，塑造國際化友善形象。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "external1"]),
            ("score", "committee1", GOOD, ""),
            ("score", "external1", (82, 76, 84, 82), "經費需求較高。"),
            (
                "decide",
                "reference",
                "構想良好，惟全館指標更新經費約 180 萬元，本年度預算無法支應；列為明年度"
                "環境改善計畫之參考，並請企劃推廣組先於主要動線試辦。",
                None,
                [],
                None,
            ),
        ],
    },
    {
        "key": "light_show",
        "by": "chungshan-staff2",
        "co": [],
        "category": "其他",
        "plan_item": "",
        "title": "中山樓夜間開放並辦理建築光雕展演",
        "situation": "中山樓目前僅日間開放參觀，夜間無任何活動，未能結合陽明山周邊夜間觀光人潮。",
        "improvement": "每週五、六夜間開放中山樓，並於建築外牆辦理光雕投影展演，介紹中山樓建築歷史。",
        "benefit": "吸引夜間遊客，提升中山樓知名度與參觀人次。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", WEAK, "古蹟保存與安全疑慮未說明。"),
            ("score", "committee2", (75, 62, 72, 65), ""),
            (
                "decide",
                "reject",
                "中山樓為國定古蹟，外牆投影及夜間大量人流涉及古蹟保存、消防與交通管制，"
                "風險及經費均高，不予採行。",
                None,
                [],
                None,
            ),
        ],
    },
    {
        "key": "shift_roster",
        "by": "personnel-liaison",
        "co": [("personnel-staff1", 25)],
        "category": "行政效率",
        "plan_item": "2.2",
        "title": "工讀生及臨時人員排班改採線上排班表",
        "situation": (
            "閱覽、典藏等單位之工讀生及臨時人員排班以試算表檔案逐月傳遞，換班須口頭告知並由承辦人修改，常發生"
            "版本不一、出勤紀錄與排班表不符；人事室月底核算薪資時須逐筆核對。"
        ),
        "improvement": (
            "導入線上排班表：各單位於系統排定班表，工讀生可線上提出換班申請，經雙方及單位承辦人確認後自動更新；"
            "排班資料直接匯入差勤系統，月底自動產出工時統計供薪資核算。"
        ),
        "benefit": "減少排班與出勤不符情形，人事室每月核算工時由 3 日縮短為半日；換班紀錄完整可查。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2", "external1"]),
            ("score", "committee1", (86, 88, 85, 84), ""),
            ("score", "committee2", (84, 86, 85, 82), ""),
            ("score", "external1", (88, 85, 86, 86), ""),
        ],
    },
    {
        "key": "lighting",
        "by": "secretariat-liaison",
        "co": [],
        "category": "節能減碳",
        "plan_item": "1.1",
        "title": "閱覽區照明改為分區感應控制",
        "situation": (
            "本館各閱覽區照明於開館時間全時開啟，平日上午及人數較少之區域仍全區照明；去年電費支出較前年增加 8%，"
            "已接近節能目標上限。"
        ),
        "improvement": (
            "將書庫走道及期刊、視聽等使用率較低區域照明改為人體感應分區控制，無人時 10 分鐘後自動調降至 30% "
            "亮度；靠窗區域加裝照度感測器，日照充足時自動調光；並逐區分年更換為 LED 燈具。"
        ),
        "benefit": "預估每年節省照明用電 15%（約 12 萬度），減少碳排放；延長燈具壽命，降低維護成本。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2"]),
            ("score", "committee1", EXCELLENT, ""),
            ("score", "committee2", (92, 90, 93, 88), ""),
            ("claim", "decide", "director"),
        ],
    },
    {
        "key": "journals",
        "by": "acquisitions-liaison",
        "co": [("acquisitions-staff2", 35)],
        "category": "館藏發展",
        "plan_item": "1.3",
        "title": "過期期刊合訂本改以電子全文資料庫取代，釋出書庫空間",
        "situation": (
            "本館典藏期刊合訂本約 4 萬冊，每年新增約 1,500 冊，裝訂費用年約 45 萬元，書庫空間已近飽和；"
            "其中半數期刊已有本館訂購之電子全文資料庫永久使用權。"
        ),
        "improvement": (
            "清查已具電子全文永久使用權之期刊，停止該類期刊紙本裝訂，僅保留一套典藏本移至密集書庫；其餘複本"
            "依規定辦理報廢或轉贈其他圖書館，並於館藏目錄加註電子全文連結。"
        ),
        "benefit": "每年節省裝訂費約 20 萬元，釋出約 300 公尺書架空間供新書使用；讀者可遠端使用電子全文，不受開館時間限制。",
        "steps": [
            ("accept", ""),
            ("assign", ["committee1", "committee2", "external1"]),
            ("score", "committee1", (85, 88, 90, 84), ""),
            ("score", "external1", (82, 86, 88, 80), "須確認永久使用權條款。"),
        ],
    },
    {
        "key": "audiobooks",
        "by": "readers-staff2",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.7",
        "title": "視障讀者有聲書郵寄到府借還服務",
        "situation": (
            "本館視障資料中心典藏有聲書及點字書逾 3 萬種，但視障讀者到館交通不便，現行借閱以到館為主，"
            "年借閱量逐年下降；讀者反映希望能在家借閱實體媒體。"
        ),
        "improvement": (
            "依郵政法規「盲人文件」免付郵資之規定，提供視障讀者以電話或線上申請有聲書、點字書郵寄到府，"
            "隨書附回郵袋供免費寄還；建立讀者閱讀偏好紀錄，由館員主動推薦新到館資料。"
        ),
        "benefit": "服務範圍擴及偏鄉地區，預估年借閱量增加 40%；落實平等近用閱讀資源之精神。",
        "steps": [
            ("accept", "立意良好，同意受理。"),
            ("assign", ["committee2", "external1"]),
        ],
    },
    {
        "key": "qr_guide",
        "by": "chungshan-staff1",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.3",
        "title": "中山樓展示空間增設 QR Code 多語語音導覽",
        "situation": (
            "中山樓非導覽時段之自由參觀遊客，無法了解各廳室之歷史背景；現有說明牌僅中英文且字數有限，"
            "外籍遊客約占參觀人次兩成。"
        ),
        "improvement": (
            "於中華文化堂、國父紀念室等主要廳室設置 QR Code，遊客以手機掃描即可收聽中、英、日、韓語解說並"
            "瀏覽歷史照片；中文語音由導覽志工錄製，外語版委託翻譯錄製；另備借用式語音導覽機供無手機遊客使用。"
        ),
        "benefit": "提升自由參觀遊客之參觀品質，減輕導覽人力負擔；掃描次數可用以分析遊客動線與興趣。",
        "steps": [("accept", "")],
    },
    {
        "key": "donations",
        "by": "acquisitions-staff2",
        "co": [],
        "category": "館藏發展",
        "plan_item": "",
        "title": "簡化贈書受理與回函作業",
        "situation": "本館每年受贈圖書約 8,000 冊，受理後須逐筆登錄、挑選、寄送感謝函，作業繁瑣。",
        "improvement": "贈書受理改採線上登錄，感謝函改以電子郵件寄送。",
        "benefit": "節省人力與郵資。",
        "steps": [
            (
                "return",
                "請補充現行贈書處理數量、各階段作業時間與流程圖，並具體說明線上登錄之欄位、由何人填寫，"
                "以及未提供電子郵件之捐贈者如何處理。",
            ),
        ],
    },
    {
        "key": "overtime",
        "by": "personnel-staff1",
        "co": [],
        "category": "行政效率",
        "plan_item": "",
        "title": "加班申請與補休整合",
        "situation": (
            "同仁加班須先填紙本加班申請單，事後再於差勤系統登錄，補休時又須另外申請；人事室每月核對加班時數"
            "與補休餘額相當費時。"
        ),
        "improvement": "將加班申請與補休整合。",
        "benefit": "節省時間。",
        "steps": [
            (
                "return",
                "作法過於簡略，請說明整合後之申請流程、與差勤系統之介接方式，以及預估節省之作業時間。",
            ),
            (
                "revise",
                {
                    "title": "差勤系統整合加班申請、核定與補休時數",
                    "improvement": (
                        "於差勤系統增設線上加班申請，主管線上核定後，系統依實際刷卡時間自動計算加班時數並轉入補休餘額；"
                        "同仁申請補休時即時顯示可用時數及到期日，到期前 1 個月以電子郵件提醒；每月自動產出各單位加班統計表。"
                    ),
                    "benefit": "取消紙本加班申請單，人事室每月核對時間由 2 日縮短為 2 小時；同仁可隨時掌握補休餘額，避免逾期失效。",
                },
            ),
        ],
    },
    {
        "key": "voice_guide",
        "by": "readers-staff1",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.2",
        "title": "自助借書機增設中文語音導引與放大字體模式",
        "situation": (
            "樂齡讀者使用自助借書機時，常因畫面字體小、步驟說明不清而需請館員協助；自助借書機旁協助次數每日約 "
            "60 次，以 65 歲以上讀者為主。"
        ),
        "improvement": (
            "於自助借書機操作介面增加「樂齡模式」按鈕，啟用後畫面字體放大 1.5 倍，並以中文及臺語語音逐步導引"
            "放書、刷證、取單；機台旁張貼大字圖解步驟，志工於上午尖峰時段駐點教學一個月。"
        ),
        "benefit": "預估減少三成現場協助需求，提升樂齡讀者自行借書比例；呼應計畫「分齡分眾全功能服務臺」之推動作法。",
        "steps": [],
    },
    {
        "key": "staff_party",
        "by": "accounting-staff2",
        "co": [],
        "category": "其他",
        "plan_item": "",
        "title": "提高員工慶生會及自強活動補助額度",
        "situation": "近年物價上漲，員工慶生會及自強活動每人補助額度多年未調整，同仁參加意願降低。",
        "improvement": "建議將每人自強活動補助提高至 3,000 元，慶生會改為每季辦理並增加餐點預算。",
        "benefit": "提升同仁向心力與工作士氣。",
        "steps": [("not_accept", "out_of_scope", "員工福利事項請循職工福利委員會管道提出。")],
    },
    {
        "key": "parking",
        "by": "chungshan-staff2",
        "co": [],
        "category": "其他",
        "plan_item": "",
        "title": "員工停車位不足問題",
        "situation": (
            "中山樓管理所員工停車位僅 12 格，假日遊客多時同仁常無處停車，須停至山下再步行上山，非常不便。"
        ),
        "improvement": "希望館方正視停車位不足問題。",
        "benefit": "改善同仁通勤困擾。",
        "steps": [("not_accept", "complaint_only", "停車場管理問題已轉請秘書室研處。")],
    },
    {
        "key": "live_chat",
        "by": "reference-liaison",
        "co": [],
        "category": "讀者服務",
        "plan_item": "1.5",
        "title": "參考諮詢服務增設線上即時文字諮詢",
        "situation": "現行線上參考諮詢以電子郵件回覆，平均回覆時間 2 個工作天，讀者無法即時獲得協助。",
        "improvement": (
            "於本館網站增設即時文字諮詢視窗，開館時間由參考館員輪值線上回覆，非服務時間自動轉為留言並於次一"
            "工作日回覆；常見問題整理為知識庫供讀者自行查詢。"
        ),
        "benefit": "讀者諮詢可即時獲得回應，提升參考服務滿意度。",
        "steps": [("withdraw", "本組年度工作計畫已納入此項服務，改循計畫辦理，撤回提案。")],
    },
    # Later proposals whose text is close to an earlier one: the first reviewer sees it.
    {
        "key": "chungshan_booking_again",
        "by": "secretariat-staff1",
        "co": [],
        "category": "資訊系統",
        "plan_item": "",
        "title": "中山樓導覽改為網路線上預約並即時顯示剩餘名額",
        "situation": "中山樓導覽預約仍以電話、傳真方式辦理，民眾反映不便。",
        "improvement": (
            "建議於本館網站建置中山樓導覽線上預約功能，即時顯示各場次剩餘名額，預約成功後自動寄送確認信及"
            "行前須知，並於參觀前以簡訊提醒。"
        ),
        "benefit": "便利民眾預約，減少承辦同仁接聽電話之負擔。",
        "steps": [
            (
                "not_accept",
                "duplicate",
                "與本年度 {chungshan_booking} 號提案內容相同，依規定僅獎勵最先提案者。",
            )
        ],
    },
    {
        "key": "pickup_again",
        "by": "reference-staff2",
        "co": [],
        "category": "讀者服務",
        "plan_item": "2.6",
        "title": "設置預約書自助取書櫃，減少讀者櫃檯排隊等候",
        "situation": (
            "參考諮詢臺常接獲讀者反映，到館領取預約書須在櫃檯排隊，假日等候時間過長，部分讀者因此放棄取書，"
            "預約書逾期未取比例偏高。"
        ),
        "improvement": (
            "建議於一樓借還書區設置預約書自助取書櫃，預約書依讀者證號末三碼排架，書條以遮蔽後之姓名標示以保護"
            "個人資料；讀者自行取書後至自助借書機刷證借出，系統核對預約人後始得借出。"
        ),
        "benefit": "縮短讀者取書等候時間，降低預約書逾期未取比例，減輕櫃檯館員工作負擔。",
        "steps": [],
    },
    {
        "key": "study_seats_again",
        "by": "planning-staff1",
        "co": [("planning-staff2", 30)],
        "category": "讀者服務",
        "plan_item": "",
        "title": "自習室座位預約系統與逾時未報到釋出機制",
        "situation": "考試期間自習室一位難求，佔位情形嚴重，讀者多次於館長信箱反映。",
        "improvement": (
            "建議建置自習室座位線上預約系統，讀者以借閱證預約座位，到館後須掃描座位 QR Code 報到，逾時未報到"
            "或離席過久者由系統自動釋出座位，多次違規者暫停預約權利。"
        ),
        "benefit": "座位公平使用，減少讀者抱怨。",
        "steps": [],
    },
    # Drafts: only their proposers see them.
    {
        "key": "travel_calc",
        "by": "accounting-liaison",
        "co": [],
        "category": "行政效率",
        "plan_item": "",
        "title": "國內出差旅費線上試算工具",
        "situation": (
            "同仁申請國內出差旅費時，常因交通費、住宿費上限及膳雜費計算方式不熟悉而填寫錯誤，會計室退件約占兩成。"
        ),
        "improvement": (
            "於內部網站提供旅費試算工具，輸入出差地點、日期及交通方式，即依國內出差旅費報支要點自動計算"
            "各項可報支金額，並可直接列印報支單。"
        ),
        "benefit": "降低旅費報支退件率。",
        "draft": True,
    },
    {
        "key": "reading_passport",
        "by": "planning-staff1",
        "co": [("planning-staff2", 50)],
        "category": "讀者服務",
        "plan_item": "1.5",
        "title": "兒童閱覽區「親子共讀護照」集點活動",
        "situation": "兒童閱覽區假日親子讀者多，但平日借閱量偏低，缺乏持續到館的誘因。",
        "improvement": (
            "設計親子共讀護照，每借閱 5 本書或參加 1 場說故事活動即可蓋章，集滿 10 章兌換本館文創小禮品，"
            "年底公開表揚共讀家庭。"
        ),
        "benefit": "鼓勵家長帶兒童持續到館，提升兒童圖書借閱量。",
        "draft": True,
    },
]


class DemoError(RuntimeError):
    """The demo script and the flow disagree: a step found no task to run."""


def _open_task(proposal, node_name, member=None):
    tasks = [
        t
        for t in Task.objects.filter(
            process_id=proposal.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).select_related("process")
        if t.flow_task.name == node_name and (member is None or (t.data or {}).get("member_id") == member.pk)
    ]
    if len(tasks) != 1:
        raise DemoError(f"{proposal.case_number}: {len(tasks)} open {node_name} tasks")
    return tasks[0]


class _Seeder:
    def __init__(self):
        User = get_user_model()
        self.people = {u.username: u for u in User.objects.all()}
        self.people_by_pk = {u.pk: u for u in self.people.values()}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.categories = {c.name: c for c in ScopeCategory.objects.all()}
        self.today = timezone.localdate()
        self.numbers = {}

    def person(self, login):
        return self.people[login]

    def days(self, n):
        return self.today + datetime.timedelta(days=n)

    def content(self, case, **overrides):
        data = {k: case[k] for k in ("title", "situation", "improvement", "benefit")}
        # The cases name practices by number; the first so numbered in the loaded plan.
        data["plan_practice"] = practice_numbered(case["plan_item"])
        data.update(overrides)
        category = self.categories.get(case["category"]) or next(iter(self.categories.values()))
        return services.ProposalContent(category=category, **data)

    def co_proposers(self, case):
        return [(self.person(login), share) for login, share in case.get("co", [])]

    def run(self, proposal, node, actor=None, member=None, **kwargs):
        """Claim the task when it is queued, then run its step as actor (default: its owner)."""
        task = _open_task(proposal, node, member)
        if actor is None and task.owner_id is None:
            # A unit with several heads: the head's task waits in their queue.
            unit = proposal.lead_unit if node == "approve_progress" else proposal.unit
            actor = self.person(f"{unit.code}-head")
        if task.owner_id is None:
            task = services.claim_task(actor, task)
        actor = actor or self.people_by_pk[task.owner_id]
        step = NODE_STEPS[node]
        result = services.run_task(actor, task, getattr(services, step), **kwargs)
        proposal.refresh_from_db()
        return result

    def liaison(self, proposal):
        return self.person(f"{proposal.lead_unit.code}-liaison")

    def seed(self, case):
        submitter = self.person(case["by"])
        co = self.co_proposers(case)
        proposal = services.save_draft(actor=submitter, content=self.content(case), co_proposers=co)
        if case.get("draft"):
            return proposal
        proposal = services.submit_proposal(actor=submitter, proposal=proposal)
        self.numbers[case["key"]] = proposal.case_number
        for step in case.get("steps", []):
            self.apply(case, proposal, co, step)
        return proposal

    def apply(self, case, proposal, co, step):
        kind, *args = step
        if kind == "accept":
            self.run(proposal, "first_review", outcome="accepted", reasons=args[0])
        elif kind == "return":
            self.run(proposal, "first_review", outcome="returned", reasons=args[0])
        elif kind == "not_accept":
            code, reasons = args
            self.run(
                proposal,
                "first_review",
                outcome="not_accepted",
                reason_code=code,
                reasons=reasons.format(**self.numbers),
            )
        elif kind == "revise":
            self.run(proposal, "revise", content=self.content(case, **args[0]), co_proposers=co)
        elif kind == "withdraw":
            services.withdraw_proposal(
                actor=proposal.submitter, proposal=proposal, reason=args[0], confirmed=True
            )
        elif kind == "assign":
            members = [self.person(m) for m in args[0]]
            self.run(proposal, "assign_reviewers", self.person("tracking"), members=members)
        elif kind == "score":
            login, values, comment = args
            member = self.person(login)
            criteria = selectors.criteria_for_year(proposal.roc_year)
            scores = {c.name: values[i % len(values)] for i, c in enumerate(criteria)}
            self.run(proposal, "score", member, member=member, values=scores, comment=comment)
        elif kind == "decide":
            decision, reason, lead, supporting, due_in = args
            kwargs = {}
            if decision == Proposal.Decision.ADOPT:
                kwargs = {
                    "lead_unit": self.units[lead],
                    "supporting_units": [self.units[code] for code in supporting],
                    "due_date": self.days(due_in),
                }
            self.run(proposal, "decide", self.person("director"), decision=decision, reason=reason, **kwargs)
        elif kind == "plan":
            text, milestones = args
            self.run(
                proposal,
                "execution_plan",
                self.liaison(proposal),
                plan=text,
                milestones=[(title, self.days(n)) for title, n in milestones],
            )
        elif kind == "report":
            percent, text, complete = args
            self.run(
                proposal,
                "progress_report",
                self.liaison(proposal),
                percent_complete=percent,
                text=text,
                declares_complete=complete,
            )
        elif kind == "approve":
            self.run(proposal, "approve_progress", approve=True, comment=args[0])
        elif kind == "return_report":
            self.run(proposal, "approve_progress", approve=False, comment=args[0])
        elif kind == "evaluate":
            rating, text = args
            self.run(proposal, "evaluate", self.person("tracking"), rating=rating, evaluation=text)
        elif kind == "claim":
            node, login = args
            services.claim_task(self.person(login), _open_task(proposal, node))
        else:
            raise DemoError(f"unknown demo step {kind}")


# The service that runs each task node.
NODE_STEPS = {
    "first_review": "first_review",
    "revise": "resubmit",
    "assign_reviewers": "assign_reviewers",
    "score": "score_proposal",
    "decide": "decide_adoption",
    "execution_plan": "write_execution_plan",
    "progress_report": "report_progress",
    "approve_progress": "review_progress",
    "evaluate": "evaluate_effectiveness",
}


@transaction.atomic
def seed_proposals():
    """Load the demo proposals; returns how many, 0 when the database has proposals already."""
    if Proposal.objects.exists():
        return 0
    seeder = _Seeder()
    for case in CASES:
        seeder.seed(case)
    return len(CASES)


def load_demo():
    """seed_demo's loader (settings.DEMO_LOADERS): the demo proposals, and what to say."""
    loaded = seed_proposals()
    if loaded:
        return [f"已載入示範創意提案 {loaded} 件。"]
    return ["資料庫已有創意提案，未載入示範提案。"]
