"""The 102 plan's table (國立臺灣圖書館 102 年度提升服務品質執行計畫), transcribed as data.

Source: the plan document extracted from its PDF (seed/service-quality-plan-102.txt). The
extraction splits cells at line wraps and page breaks; this transcription joins them back and
keeps the document's words, numbering and punctuation. Readings where the extraction is not
plain text, so that the next reader can check them:

- 一（一）1.: the deadline cell runs over a page break ("102 年 3 月、6" … "月、9 月、12 月").
- 一（一）2. and 3.: one deadline cell spans both rows (its second line, "月、12 月", sits in
  row 3), so both items have the quarterly deadlines and the units 閱覽組 採編組 參考組.
- 一（一）3.6 ends "提供線上參考問題諮": the document is cut off there; it is kept as it is.
- 二（一）and 二（二）: the extraction repeats a character where the heading wraps
  ("服務場所 所便利性", "服務行為 為友善性與 專業性"); the heading is written once.
- Dimension headings: the extraction gives （一） on some pages and "(二) " on others (the
  table's own header alternates the same way), so they are written （一） throughout.
- 二（一）, 二（三）, 三 … 六（一）: the item has no number in the document; its practices are
  numbered 1.1 …; 六's practices are numbered 1、2、3 (stored as "1", "2", "3").
- 二（二）: one cell lists "1. 服務親和程度 2. 服務可勝任程度"; the practices 1.x and 2.x
  say which is which, so they are two items.
- 六（二）and 六（三）: the cell lists two numbered principles and the practices (1、2、3) do
  not say which they serve, so each dimension is one item titled with the cell's text;
  六（二）has no practice.
- 四（二）: its deadline cell holds only "1-1", kept as written; it names no date.
- Every other row has empty deadline and unit cells: no deadline and no unit is made up for
  them (the 管考 office adds them in a revision).
"""

from datetime import date

from plan.rows import PlanRow

ROC_YEAR = 102
TITLE = "102 年度提升服務品質執行計畫"
NOTE = "計畫經 102 年 3 月 8 日執行小組第一次會議修正通過"
APPROVED_ON = date(2013, 3, 8)

QUARTERLY = "102 年 3 月、6 月、9 月、12 月"
# The last day of each month named.
QUARTER_ENDS = (date(2013, 3, 31), date(2013, 6, 30), date(2013, 9, 30), date(2013, 12, 31))

# The units named in the table, as written there, and the demo organisation's unit codes
# (governance.demo.UNITS: short names 閱覽組, 採編組, 參考組).
READERS = ("閱覽組", ("readers",))
THREE_DIVISIONS = ("閱覽組 採編組 參考組", ("readers", "acquisitions", "reference"))
NO_UNIT = ("", ())
NO_DEADLINE = ("", ())

# (area number, area title, [(dimension, [(item number, item title, (deadline text, dates),
#                                          (unit text, unit codes), [(practice number, text)])])])
AREAS = [
    (
        "一",
        "服務流程",
        [
            (
                "（一）服務流程便捷性",
                [
                    (
                        "1.",
                        "單一窗口服務全功能程度",
                        (QUARTERLY, QUARTER_ENDS),
                        READERS,
                        [
                            (
                                "1.1",
                                "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務，"
                                "節省每位讀者臨櫃填寫申請時間及工作人員鍵檔時間。",
                            ),
                            ("1.2", "分齡分眾全功能服務臺"),
                            ("1.3", "線上整合服務"),
                            ("1.4", "志工專屬窗口"),
                        ],
                    ),
                    (
                        "2.",
                        "申辦案件流程簡化程度",
                        (QUARTERLY, QUARTER_ENDS),
                        THREE_DIVISIONS,
                        [
                            ("2.1", "線上申辦服務"),
                            ("2.2", "簡化服務流程"),
                        ],
                    ),
                    (
                        "3.",
                        "申辦案件書表減量程度",
                        (QUARTERLY, QUARTER_ENDS),
                        THREE_DIVISIONS,
                        [
                            ("3.1", "提供線上圖書推薦"),
                            ("3.2", "單一證件線上認證閱證申辦圖書預約、座位使用等服務"),
                            ("3.3", "圖書調閱毋需紙本申請"),
                            ("3.4", "線上申請場地租借服務"),
                            ("3.5", "以電子郵件、簡訊等方式通知預約書到館、借閱逾期"),
                            ("3.6", "提供線上參考問題諮"),
                        ],
                    ),
                ],
            ),
            (
                "（二）服務流程透明度",
                [
                    (
                        "1.",
                        "案件處理流程查詢公開程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "本館各項讀者服務內容及流程資訊，均以書面文宣或網路公告方式周知"),
                            ("1.2", "即時顯示各類活動的報名、申請情況，並提供查詢核准進度"),
                            ("1.3", "主動顯示圖書預約情形"),
                            ("1.4", "利用網路公告本館採購相關資訊，便利廠商與民眾查詢"),
                            ("1.5", "提供線上參考問題諮詢，整編輯讀者常問問題輯於本館網頁(參考問題選粹)"),
                        ],
                    ),
                    (
                        "2.",
                        "案件處理流程主動回應程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("2.1", "每月主動提供檢獲失物訊息，便利讀者招領"),
                            ("2.2", "主動回應讀者意見"),
                            ("2.3", "主動聯絡讀者有關介購圖書處理情形，介購者可優先借閱"),
                            ("2.4", "各類「研習班」、「講座」等，即時以電子郵件回復報名結果"),
                            ("2.5", "圖書借閱到期及逾期前五日，系統主動以e-mail及簡訊提醒"),
                            ("2.6", "預約書到館，依讀者個別需求以e-mail、手機簡訊或電話，主動、即時通知取書"),
                            ("2.7", "圖書協尋服務主動通知"),
                            ("2.8", "利用網路公告本館採購相關資訊，便利廠商與民眾查詢"),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "二",
        "機關形象",
        [
            (
                "（一）服務場所便利性",
                [
                    (
                        "",
                        "洽公環境適切程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "考量民眾之便利性及實用性，提供友善安全的閱覽環境"),
                            ("1.2", "提供網路及「電子看板」服務"),
                            ("1.3", "應用設施提供貼心加值服務"),
                        ],
                    ),
                ],
            ),
            (
                "（二）服務行為友善性與專業性",
                [
                    (
                        "1.",
                        "服務親和程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "每季辦理電話禮貌測試"),
                            ("1.2", "辦理最佳服務館員選拔活動，以提升主動、親切及建立專業之優質服務形象"),
                        ],
                    ),
                    (
                        "2.",
                        "服務可勝任程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("2.1", "辦理教育訓練及標竿學習，有效強化專業智能"),
                            (
                                "2.2",
                                "提供「幸福加油站-各組室業務指南」，使同仁能夠隨時查看及掌握自身權益，"
                                "齊心塑造「關懷、卓越、創新、服務」的「幸福關懷職場」",
                            ),
                            ("2.3", "志工教育訓練及標竿學習"),
                            ("2.4", "提供「常見問題 Q&A」作為基礎職能檢測依據"),
                        ],
                    ),
                ],
            ),
            (
                "（三）服務行銷有效性",
                [
                    (
                        "",
                        "施政宣導有效程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "建立資訊傳播的多元管道與多樣化行銷網絡"),
                            ("1.2", "辦理活動記者會，發布新聞稿，以行銷各項服務措施與活動"),
                            ("1.3", "館藏臺灣資料多元化行銷"),
                            ("1.4", "推廣圖書修護理念"),
                            ("1.5", "結合社會資源，與基金會、出版社與學校等異業合作推廣閱讀與終身學習"),
                            (
                                "1.6",
                                "參與圖書館學國際年會，藉由出席國際組織年會或海報展，建立合作機制，"
                                "增進國際交流與能見度",
                            ),
                            (
                                "1.7",
                                "配合教育部政策辦理社教館所聯合行銷活動，行銷本館特色館藏，推廣圖書館服務",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "三",
        "顧客關係",
        [
            (
                "（一）民眾滿意度",
                [
                    (
                        "",
                        "機關服務滿意度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "辦理讀者滿意度調查據以檢討改善服務"),
                            ("1.2", "辦理各項研習、培訓學員滿意度調查"),
                            ("1.3", "中山樓辦理遊客滿意度調查"),
                        ],
                    ),
                ],
            ),
            (
                "（二）民眾意見處理有效性",
                [
                    (
                        "",
                        "民眾意見回應與改善程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "設有民眾陳情處理標準程序機制，針對讀者投書，指定專人負責即時處理回復"),
                            ("1.2", "將讀者經常詢問的問題隨時更新置於本館網頁(答客問Q&A)，供大眾參考"),
                            ("1.3", "有效強化選書機制，提升民眾對館藏資源之滿意度"),
                            ("1.4", "民眾意見的回應與改善"),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "四",
        "資訊提供及檢索服務",
        [
            (
                "（一）資訊公開適切性與內容有效性",
                [
                    (
                        "",
                        "公開法令、政策、服務資訊程度、內容正確程度及網站符合無障礙規範",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            (
                                "1.1",
                                "本館網頁首頁依據「政府資訊公開法」第 7 條主動規劃公開機關基本資料、核心政策、"
                                "執行計畫、服務措施及預決算情形等重要資訊",
                            ),
                            (
                                "1.2",
                                "訂定本館網站管理工作須知，成立跨組室網頁小組，即時進行網頁資料檢視與更新",
                            ),
                            (
                                "1.3",
                                "本館網頁符合 AA 等級無障礙網頁規範、視障電子資源整合查詢系統」網頁符合 AAA "
                                "等級無障礙網頁規範",
                            ),
                            ("1.4", "本館網頁各資訊內容提供分類檢索詮釋資料服務"),
                        ],
                    ),
                ],
            ),
            (
                "（二）資訊檢索完整性與便捷性",
                [
                    (
                        "",
                        "資訊檢索服務妥適性及友善程度",
                        ("1-1", ()),
                        NO_UNIT,
                        [
                            (
                                "1.1",
                                "於本館全球資訊網登載服務措施、最新活動及出版品等公開資訊，提供讀者正確與豐富的資訊",
                            ),
                            ("1.2", "提供全館無線寬頻網路環境，便利讀者隨時隨地查詢資訊。"),
                            ("1.3", "提供入口網分齡分眾分類檢索服務"),
                            ("1.4", "導入 QR-Code 於圖書館自動化系統-館藏查詢模組之整合加值服務"),
                            ("1.5", "配合行政院推動網際網路通訊協定升級推動方案，擴增 IP 數量"),
                            ("1.6", "提供東南亞語文館藏便利檢索方式"),
                            ("1.7", "依據視障者使用需求建置視障資源整合查詢平台"),
                            ("1.8", "成立跨組室之網頁小組，即時進行網頁資料檢視與更新"),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "五",
        "線上服務及電子參與",
        [
            (
                "（一）線上服務量能擴展性",
                [
                    (
                        "",
                        "線上服務提供及使用情形",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "提供豐沛之線上服務量能"),
                            ("1.2", "線上服務推廣績效"),
                        ],
                    ),
                ],
            ),
            (
                "（二）電子參與多樣性",
                [
                    (
                        "",
                        "電子參與多元程度",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1.1", "經營本館「NTL 終身學習班」粉絲專頁，"),
                            ("1.2", "發行電子報，每月主動傳送本館最新活動訊息與《臺灣學通訊》線上閱覽"),
                            ("1.3", "圖書館自動化系統以簡訊自動通知讀者預約書到期或即時逾期通知"),
                            (
                                "1.4",
                                "應用 QR-Code 於圖書館自動化系統-館藏查詢模組之整合加值服務，"
                                "提供讀者使用智慧型手機查詢服務",
                            ),
                            (
                                "1.5",
                                "運用「Facebook」、「Youtube」及「Blog」等社群媒體，提供民眾多元電子參與管道",
                            ),
                            ("1.6", "於本館網頁設置館長信箱，並辦理讀者投書回覆滿意度線上問卷調查"),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "六",
        "創新服務情形",
        [
            (
                "（一）有價值的創意服務",
                [
                    (
                        "",
                        "機關應從跨機關整合、服務流程簡化、服務項目改造、服務方法創新等項目提供民眾創新服務，"
                        "所提出之創新加值服務不以 1 項為限。",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1", "首創跨機構視障資源整合查詢"),
                            ("2", "辦理館藏臺灣學研究書展暨「行動展覽館」"),
                            ("3", "臺灣圖書醫院辦理圖書修護技術研習，並建立圖書維護作業流程"),
                            ("4", "分眾分齡專區服務"),
                            ("5", "設計創意加值產品，行銷館藏特色"),
                        ],
                    ),
                ],
            ),
            (
                "（二）創新服務標竿學習效益",
                [
                    (
                        "",
                        "1. 鼓勵機關應提出具有標竿學習效益之創新服務。 "
                        "2. 機關應說明所提之創新服務，如何提供作為其他機關標竿學習效益與擴散效果。",
                        NO_DEADLINE,
                        NO_UNIT,
                        [],
                    ),
                ],
            ),
            (
                "（三）組織內部創新機制及運作情形",
                [
                    (
                        "",
                        "1. 組織內部創新機制及運作是機關能否產生源源不絕的創新服務之關鍵所在。 "
                        "2. 機關應詳細說明內部創新提案機制之建立與運作情形，並確保該機制可常態性持續運作。",
                        NO_DEADLINE,
                        NO_UNIT,
                        [
                            ("1", "建立創意提案制度訂定「創意提案實施要點」。"),
                            (
                                "2",
                                "訂定創意提案實施要點並明定提案範圍、方式、規範、提案審查、獎勵及核定採行提案之"
                                "執行與追蹤等機制，俾利於制度之持續運行，以提升服務績效並益於館務發展。",
                            ),
                            ("3", "審核各組室提報年度創新工作計畫執行進度，定期追蹤執行績效"),
                        ],
                    ),
                ],
            ),
        ],
    ),
]


def rows():
    """The table as import rows (plan.rows.PlanRow), one per practice, and one
    for an item without practices."""
    result = []
    for area_number, area_title, dimensions in AREAS:
        for dimension, items in dimensions:
            for item_number, item_title, (deadline_text, deadlines), (
                unit_text,
                unit_codes,
            ), practices in items:
                common = dict(
                    area_number=area_number,
                    area_title=area_title,
                    dimension=dimension,
                    item_number=item_number,
                    item_title=item_title,
                )
                if not practices:
                    result.append(PlanRow(**common))
                for number, text in practices:
                    result.append(
                        PlanRow(
                            **common,
                            practice_number=number,
                            practice_text=text,
                            deadline_text=deadline_text,
                            deadlines=tuple(deadlines),
                            unit_text=unit_text,
                            unit_codes=tuple(unit_codes),
                        )
                    )
    return result
