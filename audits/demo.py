"""Demo superior-agency audits (上級機關考核) for `seed_demo`: findings in every state.

Everything goes through the public services, as the people of the demo
organisation (governance/demo.py) would do it in the pages: the 管考 office
(`tracking`) registers each audit with its findings, holds the review meeting,
writes its review opinions, records the 館務會議 decisions and the reply; the
lead unit's liaison drafts plans and reports progress, its head approves plans
and asks for removal from tracking; supporting units' liaisons add their parts.
So each finding has a real flow and a real, verifiable trail.

Dates are days relative to today (Asia/Taipei), so the demo looks the same
whenever it is loaded: an audit held months ago with findings now overdue, a
recent one still waiting for its review meeting, one fully closed and replied
to, one whose findings are all closed and whose reply is waiting. The services
refuse meeting and reply dates in the future and due dates before the audit, and
a 繼續列管 decision needs a new due date after today; the offsets respect that.

Loaded only into a database without any audit: running `seed_demo` again changes
nothing, and a database with real audits is never mixed with demo ones.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import Unit
from governance.rocdate import roc_year, today_taipei

from . import services
from .models import Audit, Finding

Kind = Finding.Kind
Severity = Finding.Severity

MEETING_ATTENDEES = "館長（主席）、副館長、企劃推廣組、採訪編目組、閱覽典藏組、參考特藏組、秘書室、會計室、人事室、陽明山中山樓管理所主管"

# Each audit: the agency, kind, title and document number ({y}: the ROC year it was
# held), when it was held (days from today), the review meeting covering all its
# 管考-tracked findings (None: not held yet), its findings, and the reply (days from
# today and the reply's document number; None: not replied).
#
# Each finding: kind, severity, text ({prev}, {old}: one and four ROC years before the
# audit), lead unit, supporting units, due date (days from today), whether the unit
# tracks it itself, and the steps it goes through, in order:
#   ("plan", text, root cause)                 the lead unit's liaison drafts the plan
#   ("return_plan", comment)                   the head returns it
#   ("approve_plan", comment)                  the head approves it
#   ("contribute", unit, text)                 a supporting unit's liaison reports its part
#   ("progress", percent, text, propose)       the lead unit's liaison reports progress
#   ("request", confirm, reason)               the head asks for removal (or sends back)
#   ("review", recommends_removal, opinion)    the 管考 office's opinion
#   ("decide", outcome, meeting day, note, new due day)   the 館務會議 decision
AUDITS = [
    {
        "key": "moe",
        "agency": "教育部",
        "kind": Audit.Kind.APPRAISAL,
        "title": "{y} 年度所屬社教機構服務品質考核",
        "document_number": "臺教綜（一）字第{y}0012345號",
        "held": -130,
        "meeting": {
            "held": -116,
            "decisions": "教育部考核意見 9 項：缺失 7 項由管考列管，依考核意見指定主辦及協辦單位並限期改善；"
            "建議及觀察 2 項由主辦單位自行列管。館藏盤點一項因需配合閉架作業，期限展延至次月底。",
        },
        "findings": [
            {
                "key": "accessibility",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.HIGH,
                "text": "館內無障礙設施標示不足：無障礙廁所、坡道及電梯之指引標示數量不足，部分標示高度及字體"
                "未符「建築物無障礙設施設計規範」，視障讀者自入口至服務台缺乏導盲設施。",
                "lead": "secretariat",
                "supporting": ["readers", "planning"],
                "due": -40,
                "steps": [
                    (
                        "plan",
                        "一、委請建築師全面檢視館內無障礙設施標示，依設計規範列出應改善項目；二、更換及增設"
                        "無障礙指引標示 42 面，調整標示高度及字體；三、自正門至一樓服務台鋪設導盲磚並設置"
                        "語音導引；四、完工後邀請身心障礙團體實地體驗並依意見修正。",
                        "館舍啟用逾 20 年，歷次整修未一併檢討無障礙標示，亦未定期檢核。",
                    ),
                    ("approve_plan", "同意，請於期限內完成並保留施工前後照片。"),
                    (
                        "contribute",
                        "readers",
                        "閱覽典藏組已完成各樓層閱覽區無障礙動線及借還書櫃台低位服務檢視，"
                        "提供應增設標示位置清單 18 處。",
                    ),
                    (
                        "contribute",
                        "planning",
                        "企劃推廣組已完成新版無障礙指引標示圖樣設計（中英對照、高對比色彩），"
                        "並更新網站「無障礙服務」專區。",
                    ),
                    (
                        "progress",
                        60,
                        "已完成建築師檢視報告及標示圖樣設計，增設及更換標示 42 面已決標，預計下月施工。",
                        False,
                    ),
                    (
                        "progress",
                        100,
                        "無障礙指引標示 42 面已全數更換完成，導盲磚及語音導引已設置；已邀請本市視障者"
                        "關懷協會實地體驗，所提 3 項意見均已修正。施工前後照片及驗收紀錄存秘書室。",
                        True,
                    ),
                    ("request", True, "改善項目均已完成並經身心障礙團體實地體驗確認，申請解除列管。"),
                    (
                        "review",
                        True,
                        "經實地查看，標示數量、高度及字體均已符合規範，佐證資料齊全，建議解除列管。",
                    ),
                    ("decide", "remove", -20, "改善完成，同意解除列管。", None),
                ],
            },
            {
                "key": "privacy",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.HIGH,
                "text": "個人資料保護作業未落實：讀者申辦借閱證之紙本申請書逾保存期限未銷毀，且存放於未上鎖之"
                "櫃檯抽屜；讀者資料查詢紀錄未定期檢視，未符個人資料保護法第 27 條安全維護規定。",
                "lead": "readers",
                "supporting": ["secretariat"],
                "due": -60,
                "steps": [
                    (
                        "plan",
                        "一、清點歷年借閱證紙本申請書，逾保存期限者依規定銷毀並作成紀錄；二、未逾期者移存"
                        "上鎖檔案櫃，鑰匙由專人保管；三、讀者資料查詢紀錄每月由組主管抽核並留存紀錄；"
                        "四、辦理全組個人資料保護教育訓練。",
                        "借閱證申辦改為線上後，紙本申請書之保存及銷毀未訂定作業規定。",
                    ),
                    ("approve_plan", "同意。銷毀作業請會同秘書室辦理。"),
                    (
                        "progress",
                        100,
                        "逾保存期限之紙本申請書 3,812 份已銷毀，銷毀清冊如附；其餘移存上鎖檔案櫃；"
                        "已辦理個資保護教育訓練 1 場。",
                        True,
                    ),
                    ("request", True, "各項改善作法已完成，申請解除列管。"),
                    (
                        "review",
                        False,
                        "查詢紀錄每月抽核機制尚未實際運作滿一季，無法確認已落實，建議繼續列管。",
                    ),
                    (
                        "decide",
                        "continue",
                        -75,
                        "請閱覽典藏組落實查詢紀錄每月抽核，下次會議報告執行情形。",
                        20,
                    ),
                    (
                        "progress",
                        100,
                        "查詢紀錄每月抽核已連續辦理 3 個月，抽核紀錄如附，未發現異常查詢。",
                        True,
                    ),
                    ("request", True, "查詢紀錄抽核已常態運作，再次申請解除列管。"),
                    ("review", True, "抽核紀錄完整，建議解除列管。"),
                    (
                        "decide",
                        "continue",
                        -15,
                        "館長指示：本館個資稽核另發現櫃檯電腦螢幕未設保護程式，"
                        "請一併改善並訂定個資作業自我檢核表後再報解除列管。",
                        75,
                    ),
                    (
                        "contribute",
                        "secretariat",
                        "秘書室已訂定「個人資料作業自我檢核表」草案，送閱覽典藏組試用。",
                    ),
                    (
                        "progress",
                        70,
                        "櫃檯電腦 24 台已設定 3 分鐘螢幕保護並加裝防窺片；自我檢核表試用中。",
                        False,
                    ),
                ],
            },
            {
                "key": "stocktake",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "館藏盤點逾期：依本館館藏盤點作業要點，開架圖書應每 3 年全面盤點一次，惟一般圖書區"
                "自 {old} 年後未再辦理，遺失及錯架資料未能及時處理。",
                "lead": "readers",
                "supporting": ["acquisitions"],
                "due": -40,
                "meeting_due": -10,
                "steps": [
                    (
                        "plan",
                        "以 RFID 盤點器分區辦理一般圖書區全面盤點，每週閉架半日；盤點結果由採訪編目組辦理"
                        "遺失註記及補購。",
                        "近年人力精簡，盤點作業一再延後，未列入年度工作計畫。",
                    ),
                    ("approve_plan", ""),
                    (
                        "progress",
                        40,
                        "已完成一般圖書區 2 至 4 樓盤點，約 21 萬冊；5 樓及密集書庫預計下月完成。",
                        False,
                    ),
                ],
            },
            {
                "key": "feedback",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "讀者意見回覆時效不佳：館長信箱及讀者意見表平均回覆日數 11.5 日，逾本館規定之 6 個工作日，"
                "且部分回覆內容未針對讀者問題說明。",
                "lead": "planning",
                "supporting": ["readers"],
                "due": -3,
                "steps": [
                    (
                        "plan",
                        "一、讀者意見改由線上系統分案，承辦單位收件後 6 個工作日內回覆，逾期前 2 日系統提醒；"
                        "二、訂定回覆參考範本及品質檢核原則；三、每月統計各組室回覆時效於主管會報報告。",
                        "讀者意見以電子郵件轉寄分案，無時效控管及催辦機制。",
                    ),
                    ("approve_plan", "同意。"),
                    ("contribute", "readers", "閱覽典藏組已依回覆範本修正常見問題回覆內容 24 則。"),
                    (
                        "progress",
                        100,
                        "線上分案系統已啟用，近 3 個月平均回覆日數 4.2 日，逾期件數 0 件；"
                        "每月統計表已於主管會報提報。",
                        True,
                    ),
                    ("request", True, "回覆時效已連續 3 個月符合規定，申請解除列管。"),
                    (
                        "review",
                        True,
                        "經抽查近 3 個月讀者意見 30 件，均於規定時限內回覆且內容具體，建議解除列管。",
                    ),
                ],
            },
            {
                "key": "climate",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "特藏書庫溫溼度監測紀錄缺漏：抽查考核前 5 個月紀錄，計 23 日未記錄，且未訂定溫溼度"
                "超出標準時之處理程序。",
                "lead": "reference",
                "supporting": [],
                "due": 15,
                "steps": [
                    (
                        "plan",
                        "建置溫溼度自動監測系統，每 30 分鐘自動記錄並於超出標準時以簡訊通知值班同仁；"
                        "訂定異常處理程序。",
                        "溫溼度以人工抄表記錄，值班同仁請假時無人代理。",
                    ),
                    ("approve_plan", "同意，異常處理程序請送秘書室備查。"),
                    ("progress", 50, "自動監測系統已完成採購，感測器 12 組安裝中。", False),
                    (
                        "progress",
                        100,
                        "自動監測系統已上線運作 2 個月，紀錄無缺漏；異常處理程序已訂定並演練 1 次。",
                        True,
                    ),
                    ("request", True, "改善完成，申請解除列管。"),
                ],
            },
            {
                "key": "training",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.LOW,
                "text": "同仁服務品質教育訓練不足：{prev} 年度第一線服務同仁參加服務禮儀及溝通技巧訓練之比率僅 58%，"
                "未達本館計畫目標 90%。",
                "lead": "personnel",
                "supporting": [],
                "due": -5,
                "steps": [
                    (
                        "plan",
                        "下半年加開服務禮儀及溝通技巧訓練 3 場，並提供數位學習課程；未參訓同仁列冊追蹤，"
                        "年底參訓率列入各組室考評。",
                        "訓練場次集中於上半年，輪班同仁無法配合。",
                    ),
                ],
            },
            {
                "key": "evacuation",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.HIGH,
                "text": "中山樓參觀動線之緊急疏散指示不足：大會堂及走廊避難方向指示燈數量不足，導覽人員未受"
                "緊急疏散引導訓練。",
                "lead": "chungshan",
                "supporting": ["secretariat"],
                "due": 30,
                "steps": [
                    ("plan", "加強宣導並於導覽前口頭說明逃生方向。", ""),
                    (
                        "return_plan",
                        "僅口頭說明不足以改善，請依消防法規檢討增設避難方向指示燈，並訂定導覽人員"
                        "緊急疏散引導訓練計畫，附完成期程。",
                    ),
                    (
                        "contribute",
                        "secretariat",
                        "秘書室已洽請消防設備師於下週至中山樓現場會勘，會勘紀錄將送管理所。",
                    ),
                ],
            },
            {
                "key": "foreign_collection",
                "kind": Kind.RECOMMENDATION,
                "severity": Severity.LOW,
                "self_tracked": True,
                "text": "建議擴充新住民語文館藏，並定期檢討各語種館藏之利用率。",
                "lead": "acquisitions",
                "supporting": [],
                "due": -30,
                "steps": [
                    (
                        "plan",
                        "本年度增購越南文、印尼文、泰文圖書各 300 冊，並建立各語種借閱統計，每半年檢討採購比例。",
                        "",
                    ),
                    ("approve_plan", ""),
                    (
                        "progress",
                        100,
                        "新住民語文圖書 920 冊已編目上架，借閱統計報表已建置，第一次檢討結果如附。",
                        True,
                    ),
                    ("request", True, "已依建議辦理完成，由本組自行解除列管。"),
                ],
            },
            {
                "key": "guided_tour",
                "kind": Kind.OBSERVATION,
                "severity": Severity.LOW,
                "self_tracked": True,
                "text": "觀察：中山樓導覽解說內容多年未更新，部分史料說明與展示文物不一致。",
                "lead": "chungshan",
                "supporting": [],
                "due": 60,
                "steps": [
                    ("plan", "請參考特藏組協助校訂導覽解說稿，並重製展示說明牌。", ""),
                    ("approve_plan", "同意。"),
                    ("progress", 30, "導覽解說稿已完成初稿，送參考特藏組校訂中。", False),
                ],
            },
        ],
        "reply": None,
    },
    {
        "key": "audit_office",
        "agency": "審計部",
        "kind": Audit.Kind.INSPECTION,
        "title": "{y} 年度財務收支抽查",
        "document_number": "台審部五字第{y}0054321號",
        "held": -12,
        "meeting": None,
        "findings": [
            {
                "key": "procurement_files",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "採購文件不全：抽查小額採購 40 案，其中 9 案未檢附訪價或比價紀錄，4 案驗收紀錄未經會驗人員簽章。",
                "lead": "secretariat",
                "supporting": ["accounting"],
                "due": 78,
                "steps": [],
            },
            {
                "key": "database_contract",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "電子資料庫採購案履約管理欠周：廠商未依契約辦理使用者教育訓練即辦理驗收付款，"
                "且未依約提供每月使用統計。",
                "lead": "acquisitions",
                "supporting": ["accounting"],
                "due": 78,
                "steps": [],
            },
            {
                "key": "insurance",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.LOW,
                "text": "臨時人員勞工保險及全民健康保險加保作業延誤，抽查 15 人中 3 人逾到職日始辦理加保。",
                "lead": "personnel",
                "supporting": [],
                "due": 48,
                "steps": [],
            },
            {
                "key": "petty_cash",
                "kind": Kind.RECOMMENDATION,
                "severity": Severity.LOW,
                "self_tracked": True,
                "text": "建議將零用金支付上限及核銷流程納入內部控制自行評估項目，並定期盤點零用金。",
                "lead": "accounting",
                "supporting": [],
                "due": 48,
                "steps": [],
            },
        ],
        "reply": None,
    },
    {
        "key": "ndc",
        "agency": "國家發展委員會",
        "kind": Audit.Kind.SITE_VISIT,
        "title": "{y} 年度機關服務品質實地訪視",
        "document_number": "發管字第{y}0003210號",
        "held": -100,
        "meeting": {
            "held": -90,
            "decisions": "訪視意見 3 項：公文時效及跨組室申辦 2 項由管考列管，翻譯一致性 1 項由企劃推廣組自行列管。",
        },
        "findings": [
            {
                "key": "document_timeliness",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "公文時效控管不佳：訪視前半年公文平均處理日數 7.2 日，逾限件數 86 件，"
                "逾限公文未見催辦紀錄。",
                "lead": "secretariat",
                "supporting": [],
                "due": -20,
                "steps": [
                    (
                        "plan",
                        "公文線上簽核系統增設到期前提醒及逾期統計，每週寄送各組室主管；逾限公文於主管會報報告原因。",
                        "催辦以電話為主，未留存紀錄，亦無定期統計。",
                    ),
                    ("approve_plan", ""),
                    (
                        "progress",
                        100,
                        "到期提醒及每週逾期統計已上線，7 至 9 月公文平均處理日數降為 4.1 日，逾限 9 件均有催辦紀錄。",
                        True,
                    ),
                    ("request", True, "改善完成，申請解除列管。"),
                    ("review", True, "處理時效明顯改善且催辦紀錄完整，建議解除列管。"),
                    ("decide", "remove", -8, "同意解除列管。", None),
                ],
            },
            {
                "key": "single_window",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "跨組室申辦案件未建立單一窗口：讀者申請古籍調閱、館際合作及場地借用須分別至不同組室辦理，往返費時。",
                "lead": "readers",
                "supporting": ["reference"],
                "due": -10,
                "steps": [
                    (
                        "plan",
                        "一樓服務台設置單一申辦窗口，受理古籍調閱、館際合作及場地借用申請，由窗口於系統分案並回覆進度。",
                        "各項申辦業務分屬不同組室，未整合受理流程。",
                    ),
                    ("approve_plan", "同意。"),
                    (
                        "contribute",
                        "reference",
                        "參考特藏組已提供古籍調閱及館際合作申請之審核要件與表單，供單一窗口使用。",
                    ),
                    (
                        "progress",
                        100,
                        "單一申辦窗口已於一樓服務台啟用，3 個月受理 412 件，讀者平均辦理時間由 25 分鐘縮短為 8 分鐘。",
                        True,
                    ),
                    ("request", True, "單一窗口已常態運作，申請解除列管。"),
                    ("review", True, "經實地查看窗口運作良好，建議解除列管。"),
                    ("decide", "remove", -8, "同意解除列管。", None),
                ],
            },
            {
                "key": "translation",
                "kind": Kind.OBSERVATION,
                "severity": Severity.LOW,
                "self_tracked": True,
                "text": "觀察：館內指標及網站之英文譯名不一致，如「閱覽典藏組」有 3 種譯法。",
                "lead": "planning",
                "supporting": [],
                "due": -30,
                "steps": [
                    ("plan", "訂定本館中英文譯名對照表，依對照表修正館內指標及網站英文內容。", ""),
                    ("approve_plan", ""),
                    ("progress", 100, "譯名對照表已公告，館內指標 26 面及網站英文頁面均已修正。", True),
                    ("request", True, "已依對照表全部修正，自行解除列管。"),
                ],
            },
        ],
        "reply": (0, "國圖秘字第{today_y}0004567號"),
    },
    {
        "key": "archives",
        "agency": "國家發展委員會檔案管理局",
        "kind": Audit.Kind.INSPECTION,
        "title": "{y} 年度機關檔案管理查核",
        "document_number": "檔徵字第{y}0001234號",
        "held": -200,
        "meeting": {
            "held": -190,
            "decisions": "查核意見 2 項由秘書室主辦，檔案清查一項由管考列管，線上應用一項由秘書室自行列管。",
        },
        "findings": [
            {
                "key": "archive_disposal",
                "kind": Kind.DEFICIENCY,
                "severity": Severity.MEDIUM,
                "text": "機關檔案清查作業未依規定每年辦理，部分已屆保存年限之檔案未辦理銷毀。",
                "lead": "secretariat",
                "supporting": [],
                "due": -60,
                "steps": [
                    (
                        "plan",
                        "辦理全面檔案清查，屆期檔案依檔案法規定報請檔案管理局同意後銷毀，並將年度清查列入工作計畫。",
                        "檔案管理人員異動頻繁，清查作業未交接。",
                    ),
                    ("approve_plan", ""),
                    ("progress", 100, "全面清查已完成，屆期檔案 1,236 案經檔案管理局同意後銷毀。", True),
                    ("request", True, "改善完成，申請解除列管。"),
                    ("review", True, "銷毀目錄及核准函齊全，建議解除列管。"),
                    ("decide", "remove", -5, "同意解除列管，請秘書室函復檔案管理局。", None),
                ],
            },
            {
                "key": "archive_online",
                "kind": Kind.RECOMMENDATION,
                "severity": Severity.LOW,
                "self_tracked": True,
                "text": "建議檔案應用申請改為線上受理，並於網站公開檔案目錄。",
                "lead": "secretariat",
                "supporting": [],
                "due": -30,
                "steps": [
                    (
                        "plan",
                        "於本館網站建置檔案應用線上申請表單，並將永久保存檔案目錄上傳國家檔案資訊網。",
                        "",
                    ),
                    ("approve_plan", ""),
                    ("progress", 100, "線上申請表單已上線，檔案目錄 3,402 筆已上傳。", True),
                    ("request", True, "已辦理完成，自行解除列管。"),
                ],
            },
        ],
        "reply": None,  # every finding closed: the reply waits in the 管考 office's queue
    },
]


class DemoError(RuntimeError):
    """The demo script and the flow disagree: a step found no task to run."""


def _open_tasks(process_id, node_name):
    return [
        t
        for t in Task.objects.filter(
            process_id=process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).select_related("process")
        if t.flow_task.name == node_name
    ]


def _open_task(finding, node_name):
    tasks = _open_tasks(finding.process_id, node_name)
    if len(tasks) != 1:
        raise DemoError(f"{finding.tracking_number}: {len(tasks)} open {node_name} tasks")
    return tasks[0]


def _reply_task(audit):
    process_ids = Task.objects.filter(
        process__data__audit_id=audit.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).values_list("process_id", flat=True)
    tasks = [t for pid in process_ids for t in _open_tasks(pid, "reply")]
    if len(tasks) != 1:
        raise DemoError(f"{audit}: {len(tasks)} open reply tasks")
    return tasks[0]


def _minutes(day):
    """The 館務會議 minutes a decision refers to: one meeting a month."""
    return f"{roc_year(day)} 年第 {day.month} 次館務會議紀錄"


class _Seeder:
    def __init__(self):
        User = get_user_model()
        self.people = {u.username: u for u in User.objects.all()}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.today = today_taipei()
        self.tracking = self.person("tracking")

    def person(self, login):
        return self.people[login]

    def days(self, n):
        return self.today + datetime.timedelta(days=n)

    def liaison(self, unit_code):
        return self.person(f"{unit_code}-liaison")

    def head(self, unit_code):
        return self.person(f"{unit_code}-head")

    def run(self, finding, node, actor, step, **kwargs):
        task = _open_task(finding, node)
        result = services.run_task(actor, task, getattr(services, step), **kwargs)
        finding.refresh_from_db()
        return result

    def seed(self, case):
        held_on = self.days(case["held"])
        year = roc_year(held_on)
        findings = [
            services.FindingInput(
                kind=f["kind"],
                text=f["text"].format(prev=year - 1, old=year - 4),
                severity=f["severity"],
                lead_unit=self.units[f["lead"]],
                due_date=self.days(f["due"]),
                supporting_units=tuple(self.units[c] for c in f["supporting"]),
                self_tracked=f.get("self_tracked", False),
            )
            for f in case["findings"]
        ]
        audit = services.register_audit(
            actor=self.tracking,
            agency=case["agency"],
            kind=case["kind"],
            title=case["title"].format(y=year),
            held_on=held_on,
            document_number=case["document_number"].format(y=year),
            findings=findings,
        )
        rows = list(Finding.objects.filter(audit=audit).order_by("sequence"))
        if case["meeting"]:
            self.meeting(case, rows)
        for spec, finding in zip(case["findings"], rows, strict=False):
            for step in spec["steps"]:
                self.apply(spec, finding, step)
        if case["reply"]:
            day, number = case["reply"]
            services.run_task(
                self.tracking,
                _reply_task(audit),
                services.record_reply,
                replied_on=self.days(day),
                document_number=number.format(today_y=roc_year(self.today)),
            )
        return audit

    def meeting(self, case, rows):
        """One review meeting for all the audit's 管考-tracked findings; it may move one due date."""
        tracked = [(spec, f) for spec, f in zip(case["findings"], rows, strict=False) if not f.self_tracked]
        main_spec, main = next(((s, f) for s, f in tracked if "meeting_due" in s), tracked[0])
        due = self.days(main_spec["meeting_due"]) if "meeting_due" in main_spec else None
        meeting = case["meeting"]
        self.run(
            main,
            "review_meeting",
            self.tracking,
            "record_review_meeting",
            held_on=self.days(meeting["held"]),
            attendees=MEETING_ATTENDEES,
            decisions=meeting["decisions"],
            due_date=due,
            also=[f for _, f in tracked if f.pk != main.pk],
        )
        for f in rows:
            f.refresh_from_db()

    def apply(self, spec, finding, step):
        kind, *args = step
        lead = spec["lead"]
        if kind == "plan":
            text, root_cause = args
            self.run(finding, "plan", self.liaison(lead), "write_plan", text=text, root_cause=root_cause)
        elif kind == "return_plan":
            self.run(finding, "approve_plan", self.head(lead), "review_plan", approve=False, comment=args[0])
        elif kind == "approve_plan":
            self.run(finding, "approve_plan", self.head(lead), "review_plan", approve=True, comment=args[0])
        elif kind == "contribute":
            unit_code, text = args
            services.contribute(
                actor=self.liaison(unit_code), finding=finding, unit=self.units[unit_code], text=text
            )
        elif kind == "progress":
            percent, text, propose = args
            self.run(
                finding,
                "progress",
                self.liaison(lead),
                "report_progress",
                percent_complete=percent,
                text=text,
                propose_removal=propose,
            )
        elif kind == "request":
            confirm, reason = args
            self.run(
                finding, "request_removal", self.head(lead), "request_removal", confirm=confirm, reason=reason
            )
        elif kind == "review":
            recommends, opinion = args
            self.run(
                finding,
                "review_removal",
                self.tracking,
                "review_removal",
                recommends_removal=recommends,
                opinion=opinion,
            )
        elif kind == "decide":
            outcome, meeting_day, note, new_due = args
            day = self.days(meeting_day)
            self.run(
                finding,
                "council_decision",
                self.tracking,
                "record_tracking_decision",
                outcome=outcome,
                meeting_date=day,
                minutes_reference=_minutes(day),
                note=note,
                new_due_date=self.days(new_due) if new_due is not None else None,
            )
        else:
            raise DemoError(f"unknown demo step {kind}")


@transaction.atomic
def seed_audits():
    """Load the demo audits; returns how many, 0 when the database has audits already."""
    if Audit.objects.exists():
        return 0
    seeder = _Seeder()
    first = None
    for case in AUDITS:
        audit = seeder.seed(case)
        first = first or audit
    # The first letter registered a second time by mistake (its number typed in half-width),
    # found by the duplicate check and withdrawn: an audit 已撤銷 to read.
    duplicate = services.register_audit(
        actor=seeder.tracking,
        agency=first.agency,
        kind=first.kind,
        title=first.title,
        held_on=first.held_on,
        document_number=first.document_number.replace("（", "(").replace("）", ")"),
        findings=[
            services.FindingInput(
                kind=f.kind,
                text=f.text,
                severity=f.severity,
                lead_unit=f.lead_unit,
                due_date=max(f.due_date, seeder.today),
            )
            for f in first.findings.order_by("sequence")[:1]
        ],
    )
    services.withdraw_audit(actor=seeder.tracking, audit=duplicate, reason="與同一來文重複登錄")
    return len(AUDITS) + 1


def load_demo():
    """seed_demo's loader (settings.DEMO_LOADERS): the demo audits, and what to say."""
    audits = seed_audits()
    if audits:
        return [f"已載入示範上級機關考核 {audits} 件。"]
    return ["資料庫已有上級機關考核，未載入示範考核。"]
