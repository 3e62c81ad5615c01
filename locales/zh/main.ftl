# amity — 中文消息。参数均为调用方格式化好的字符串；`count` 和 `n_*` 为数字。

## 开始与帮助
start-title = amity —— { $office }对外交往台账
start-body = 我记录外办的捐赠、信函、视频会议和接待，并给出准确的合计。可用中文或英文回复：/lang en switches to English.
help-section-read = 查询
help-section-log = 记录与更正（工作人员）
help-section-admin = 管理（管理员）
help-more = /帮助 命令名 查看单个命令的详细用法，例如 /帮助 donation。/help en shows the English list.
help-aliases = 也可用：{ $names }
help-start = amity 是什么，以及您可用的命令
help-help = 本列表；/帮助 命令名 查看单个命令
help-totals = 总览：金额、受赠方、国家、物资、信函、活动 —— /合计 2020
help-donations = 捐赠及合计，最新的在前 —— /捐赠 德国 2020-03
help-letters = 发出的信函和收到的回信及引文 —— /信函 北威州
help-events = 视频会议、网络研讨会、视频致辞 —— /活动 2020-05
help-receptions = 外宾接待 —— /接待 2020
help-partners = 伙伴列表及各自统计 —— /伙伴列表 意大利，/伙伴列表 friendship
help-partner = 单个伙伴的页面 —— /伙伴 北威州
help-countries = 按国家逐行统计 —— /国家 2020
help-search = 按名称、备注或引文查找记录 —— /搜索 护目镜
help-lang = 回复语言 —— /语言 zh，/语言 en
help-add = 分步引导记录，带选项
help-donation = 一行记录捐赠 —— /记捐赠 2020-03-23 | 北威州 | 500 protective suits
help-letter = 记录发出或收到的信函 —— /记信函 2020-04-10 | received | Jalalabad | from: … | "…"
help-event = 记录视频会议、研讨会或视频致辞 —— /记活动 2020-05-20 | video-conference | 泰国, 新加坡 | 主题
help-reception = 记录外宾接待 —— /记接待 2020-03-31 | 太原机场 | 13 | 大使及家属
help-partner-add = 添加伙伴 —— /伙伴 添加 Mantova | 意大利 | partner | aliases: Mantua
help-undo = 撤销您最近的一次更改（默认一天之内）
help-edit = 修改一个字段 —— /修改 D-3 status: delivered
help-delete = 删除并说明原因（历史中保留）—— /删除 D-3 重复录入
help-history = 记录的每个版本 —— /历史 D-3
help-rate = 记录或查看汇率 —— /汇率 USD 7.0835 2020-01-01
help-rates = 历次设定的汇率，含设定人及所替换的值 —— /汇率记录 USD
help-export = 把记录导出为表格文件（CSV 或 Excel），仅限私聊 —— /导出 xlsx 捐赠 2020
help-import = 在私聊中发给我表格文件（CSV 或 Excel）：我先逐行检查，您按“导入”后再写入 —— /导入
help-cancel = 停止引导录入
help-staff = 管理工作人员 —— /员工 添加 123456789 staff 李伟，/员工 移除 ID，/员工 列表

## 用法（随错误显示）
usage-start = /开始
usage-help = /帮助 [命令]
usage-totals = /合计 [时间段] —— 例如 /合计、/合计 2020、/合计 上月
usage-donations = /捐赠 [筛选] [时间段] —— 例如 /捐赠 德国、/捐赠 口罩 2020-03..2020-05
usage-letters = /信函 [筛选] [时间段] —— 例如 /信函、/信函 吉尔吉斯斯坦；尚待回复的信函：/信函 待回复 [筛选] [时间段]
usage-events = /活动 [筛选] [时间段] —— 例如 /活动 2020-05
usage-receptions = /接待 [时间段] —— 例如 /接待 2020
usage-partners = /伙伴列表 [国家或类型] —— 例如 /伙伴列表 意大利
usage-partner = /伙伴 名称 —— 例如 /伙伴 北威州
usage-countries = /国家 [时间段] —— 例如 /国家 2020
usage-search = /搜索 文字 —— 例如 /搜索 护目镜
usage-lang = /语言 en | zh
usage-add = /添加 [donation | letter | event | reception | partner]
usage-cancel = /取消
usage-donation = 格式：/记捐赠 日期 | 受赠方[, 受赠方…] | 物资 | 金额 [| donor: 捐赠方] [| status: pledged|shipped|delivered] [| fund: 资金来源] [| internal] [| note: 备注] [| 来源：…]
    例如：/记捐赠 2020-05-31 | Mantova | 100副医用护目镜; 500套防护服 | 3.85万元 | status: delivered
usage-letter = 格式：/记信函 日期 | sent | 伙伴[, 伙伴…] | signed: 职务[, 职务…] [| kind: sympathy] [| 来源：…]
    或：/记信函 日期 | received | 伙伴 | from: 来信人 | "引文" [| reply to: L-1] [| kind: thanks]
    例如：/记信函 2020-04-02 | received | 北威州 | from: 拉舍特 | "我们的友谊坚如磐石。"
usage-event = 格式：/记活动 日期 | 类型 | 参与方[, 参与方…] | 主题 [| host: 主办方] [| 来源：…]
    例如：/记活动 2020-05-20 | video-conference | 泰国, 新加坡 | 新冠肺炎防控经验交流
usage-reception = 格式：/记接待 日期 | 地点 | 人数 | 来宾 [| countries: 国家…] [| 来源：…]
    例如：/记接待 2020-03-31 | 太原机场 | 13 | 各国大使及家属 | countries: 日本, 法国
usage-partner-add = 格式：/伙伴 添加 名称 | 国家 | 类型 [| aliases: 别名1, 别名2] [| since: 年份] [| level: province|city|county] [| 来源：…]
    例如：/伙伴 添加 Mantova | 意大利 | partner | aliases: 曼托瓦
usage-undo = /撤销
usage-edit = 格式：/修改 编号 字段: 新值
    例如：/修改 D-3 status: delivered
usage-delete = 格式：/删除 编号 原因
    例如：/删除 D-3 重复录入
usage-history = 格式：/历史 编号 —— 例如 /历史 D-3
usage-rate = 格式：/汇率 币种 汇率 [日期] —— 每单位外币折合人民币，自该日期起有效（默认今天）
    例如：/汇率 USD 7.0835 2020-01-01
usage-rates = 格式：/汇率记录 [币种] —— 最新的在前
    例如：/汇率记录 USD
usage-export = 格式：/导出 csv|xlsx [hxl] [捐赠|信函|活动|接待|伙伴|报道] [时间段] —— 不指定类型则导出全部；伙伴不受时间段限制；hxl 在标题下加一行 HXL 标签，供人道数据工具使用。仅限私聊；文件包含内部记录。终端中：amity export csv|xlsx [hxl] [类型] [时间段] --out 目录。
    例如：/导出 xlsx 捐赠 2020
usage-import = 格式：在私聊中把 .csv 或 .xlsx 文件发给我，必要时附说明文字：标题看不出类型时写类型（捐赠、信函、活动、接待、伙伴、报道），只导入工作簿的一张表时写“工作表：名称”。我会回复将写入的内容，或按行和列列出每个问题，并附“导入 / 取消”按钮（也可输入：/导入 确认 N、/导入 取消 N）。终端中：amity import 文件 [--kind 类型] [--sheet 名称] [--dry-run] [--create-partners]。
    例如：文件 捐赠-2020.xlsx，说明文字“工作表：2020”
usage-staff = 格式：/员工 添加 用户ID [admin|staff] [姓名] · /员工 移除 用户ID · /员工 列表
    例如：/员工 添加 123456789 staff 李伟

## 错误
err-field = { $field }：{ $reason }
    { $usage }
err-form-unseparated = 这条格式的各项之间要用“|”分开，我只看到一项：“{ $input }”。
    { $usage }
err-missing-field = 缺少 { $field }。
    { $usage }
err-empty = 请发送一条命令，例如 /帮助。
err-not-command = 我只回应以 / 开头的命令。试试 /帮助，或用 /合计 查看总览。
err-unknown-command = 没有 /{ $name } 这个命令。/帮助 列出全部命令。
err-unknown-command-suggest = 没有 /{ $name } 这个命令。您是想用 /{ $suggestion } 吗？
err-too-long = 消息太长（超过 { $max } 字节），请拆成几条记录。
err-internal = amity 内部出错，没有保存任何内容。请重试；如果反复出现，请告知管理员。
err-ledger-full = 未保存：加上这一条，账本合计将超过 92,233,720,368,547,758（amity 能计数的上限）。请核对金额和数量，例如“350万元”“45,000个口罩”。
err-text-too-long = 超过 { $max } 个字符
err-control-chars = 含有控制字符
err-extra-field = “{ $text }”不是此格式中的字段（是否写错了选项？选项以冒号结尾，如 donor: …）
err-date-future = { $date } 距今超过一年
err-donation-empty = 捐赠需要有物资或金额，或两者都有（未估值请写 -）
err-bad-word = “{ $input }”不在可选项中：{ $choices }
err-bad-year = “{ $input }”不是年份（例如 1986）
err-no-rate = { $date } 及之前没有 { $currency } 汇率，无法折算人民币。请先记录汇率：/汇率 { $currency } 汇率 { $date }
err-unknown-currency = 不认识“{ $input }”这种货币。请用 USD、EUR、JPY 等代码，或 ¥ / $ / €。
err-bad-rate = “{ $input }”不是有效汇率：请写每单位外币折合的人民币，大于 0、小于 100,000、最多 8 位小数，例如 7.0835
err-option-twice = “{ $key }”出现了不止一次；请只写一次，例如“| 状态: shipped”（可见性：写“| 内部”或不写）。
err-rate-cny = 人民币是台账本位币，汇率恒为 1。
err-too-many = 一条记录中超过 { $max } 个名称
err-received-one-partner = 收到的信函只能来自一个伙伴
err-bad-letter-id = “{ $input }”不是信函编号（如 L-3）
err-no-sent-letter = { $id } 不是台账中已发出的信函
letter-reply-other-partner = { $id } 发往 { $sent_to }，而不是 { $partner }：如编号有误，请用 /修改 更正（/信函 { $name } 列出发往该伙伴的信函）。
err-count-absurd = 一次接待 { $input } 位来宾不合理
err-name-empty = 名称中没有文字或数字
err-partner-exists = “{ $name }”已是伙伴 { $id } 的名称。用 /伙伴 { $name } 查看，或用 /修改 { $id } aliases: … 更改其名称。
err-restore-dead-partner = 无法恢复 { $id }：它涉及的伙伴 { $partner }（{ $name }）已被删除。请先恢复该伙伴（由删除者 /撤销），或重新添加伙伴后重新记录。
err-restore-dead-letter = 无法恢复 { $id }：它所回复的信函 { $letter } 已被删除。请先恢复 { $letter }，或重新记录这封回信。
err-ambiguous = “{ $input }”匹配到多个伙伴，请选择：
err-ambiguous-list = “{ $input }”匹配到多个伙伴：{ $candidates }。请写全称。
err-unknown-filter = 没有名为“{ $input }”的国家、伙伴、物资或捐赠方。/伙伴列表 列出伙伴，/国家 列出国家。
err-unknown-filter-suggest = 没有名为“{ $input }”的国家、伙伴、物资或捐赠方。您是指：{ $suggestions }？
err-filter-looks-like-entry = 这看起来是要登记的一条记录，而不是要查询的名称。登记请用 { $command }（{ $help } { $name } 查看写法）。
err-unknown-partner = “{ $input }”还不是伙伴。工作人员可以添加：{ $example }
err-partner-did-you-mean = “{ $input }”不是伙伴名称。您是指：{ $suggestions }？
err-unknown-recipient = “{ $input }”既不是已知伙伴也不是国家，未保存任何内容。请先添加伙伴：{ $example }
err-unknown-recipient-suggest = “{ $input }”既不是已知伙伴也不是国家，未保存任何内容。您是指：{ $suggestions }？添加新伙伴：{ $example }
err-partners-filter = “{ $input }”既不是国家也不是伙伴类型（{ $kinds }）。{ $suggestions ->
        [none] {""}
       *[other] 您是指：{ $suggestions }？
    }
err-search-short = 请至少输入两个字，例如 /搜索 口罩
err-lang = 不支持“{ $input }”：/语言 en 或 /语言 zh
err-bad-id = “{ $input }”不是记录编号。编号形如 D-3（捐赠）、L-2（信函）、E-1（活动）、R-1（接待）、P-4（伙伴）。
err-no-record = 没有记录 { $id }。
err-already-deleted = { $id } 已删除。/历史 { $id } 可查看经过。
err-edit-deleted = { $id } 已删除；如是您删除的可用 /撤销，否则请管理员恢复。
err-edit-field = 这里不能修改“{ $field }”。可修改的字段：{ $fields }
err-edit-no-change = { $id } 已是该值，未作更改。
err-partner-in-use = 仍有 { $count } 条记录（捐赠、信函或活动）引用 { $id }；请先删除或修改这些记录，以免它们指向不存在的伙伴。
err-nothing-to-undo = 您没有可撤销的更改。
err-undo-too-old = 您最近的更改（{ $id }）已超过 { $hours } 小时，请改用 /修改 或 /删除。
err-undo-touched = 在您之后有人修改过 { $id }；请用 /历史 { $id } 查看后再 /修改。
err-bad-user-id = “{ $input }”不是用户ID：请用 Telegram 数字ID（如 123456789）或 Matrix ID（如 @name:server）
err-not-staff = { $id } 不在工作人员名单中。
err-staff-config-admin = { $id } 是配置文件中的管理员，请在配置文件中移除。

## 拒绝
refuse-staff-only-log = 只有工作人员可以记录。您的ID是 { $id }；管理员可用 /staff add { $id } 添加您。
refuse-staff-only = 只有工作人员可以这样做。您的ID是 { $id }；管理员可用 /staff add { $id } 添加您。
refuse-admin-only = 只有管理员可以这样做。您的ID是 { $id }。
refuse-not-public = 本台账仅对工作人员开放。您的ID是 { $id }；管理员可用 /staff add { $id } 添加您。
refuse-forwarded = 转发的消息不会写入台账。请亲自输入命令。
refuse-group-logging = 记录须在与我的私聊中进行，以防转发或重放的消息写入台账。请打开私聊发送命令。

## 保存、修改、删除、撤销
saved = 已保存 { $id }：{ $echo }
saved-same-as = { $id } 是同一天的同一笔捐赠。如系重复发送，{ $undo } 可撤回这一条。
edited = 已修改 { $id }：{ $echo }
# A field an edit changed, in /edit's answer and /history.
field-change = { $field }：{ $was } → { $now }
deleted = 已删除 { $id }：{ $echo }。合计不再计入；/历史 { $id } 仍保留记录。
undo-create = 已撤销：{ $id } 已移除（{ $echo }）。
undo-edit = 已撤销：{ $id } 已恢复原样（{ $echo }）。
undo-delete = 已撤销：{ $id } 已恢复（{ $echo }）。
note-usd-missing = 美元金额未知：{ $date } 及之前没有美元汇率。用 /汇率 USD 汇率 { $date } 添加后将自动补上。
note-rate-stale = { $date } 及之前最新的 { $currency } 汇率是 { $from } 的，早了 { $days } 天；金额已按该汇率折算。如有更新的汇率，请先添加（/汇率 { $currency } 汇率 { $date }），再重新编辑金额。
lang-set = 我将用中文回复您。
lang-current = 您的语言是 { $lang }。用 /语言 en 或 /语言 zh 更改。

## 合计与列表
totals-title = 合计 · { $period }
section-donations = 捐赠
section-letters = 信函
section-events = 视频会议与研讨会
section-receptions = 接待
donations-none = 没有捐赠。
donations-summary = 共 { $count } 笔捐赠：{ $money }，受赠方为 { $recipients }{ $where }。
donations-summary-unvalued = 共 { $count } 笔实物捐赠（未申报价值），受赠方为 { $recipients }{ $where }。
donations-in-countries = 涉及 { $n_countries } 个国家
donations-usd-missing = 有 { $count } 笔已估值捐赠尚无美元金额（其估值日没有美元汇率），美元合计（{ $usd }）未计入。
totals-stale-rates = 有 { $count } 笔金额所用汇率比其估值日早 { $days } 天以上（/汇率记录 列出各汇率）。
donations-unvalued = 有 { $count } 笔为未申报价值的实物捐赠，未计入金额合计。
donations-items = 物资：{ $items }
donations-shared = 其中 { $count } 笔为与其他受赠方共同接受的捐赠，此处显示全额。
and-more = 等，另有 { $count } 项
list-and = { $a }和 { $b }
recipients-friendship = { $count } 个友好省州
recipients-partner = { $count } 个友好合作关系政府
recipients-overseas-chinese = { $count } 个侨团
recipients-institution = { $count } 个机构
recipients-organization = { $count } 个国际组织
recipients-embassy = { $count } 个使馆
recipients-country = { $count } 个国家（未指定伙伴）
letters-none = 没有信函。
letters-sent-summary = 发出：{ $count ->
        [0] 无。
       *[other] { $count } 封，致 { $n_partners } 个伙伴。
    }
letters-received-summary = 收到：{ $count ->
        [0] 无。
       *[other] { $count } 封，来自 { $n_partners } 个伙伴。
    }
events-none = 没有活动。
events-summary = 共 { $count } 场活动（{ $kinds }），参与方来自 { $n_countries } 个国家。
receptions-none = 没有接待。
receptions-summary = 共 { $count } 次接待，来宾 { $n_guests } 人{ $n_countries ->
        [0] {""}
       *[other] ，来自 { $n_countries } 个国家
    }。
audience-public = 仅含公开记录。
audience-staff = 含内部记录（您是工作人员）。
history-internal-in-group = { $id } 是内部记录：请在与机器人的私聊中查看其历史。
audience-staff-in-group = 仅含公开记录：内部记录只在与机器人的私聊中向工作人员显示。
list-page = 第 { $page }/{ $pages } 页：第 { $first }–{ $last } 条，共 { $total } 条。
btn-prev = ◀ 上一页
btn-next = 下一页 ▶
list-more-in = 另有 { $count } 条未在此显示：{ $command } 可查看全部。
title-donations = 捐赠
title-letters = 信函
title-events = 活动
title-receptions = 接待
title-partners = 伙伴
title-countries = 国家
title-search = 搜索：{ $text }
title-history = 历史
title-rates = 汇率（每单位折合人民币）
title-staff = 工作人员
partners-count = 共 { $count } 个伙伴。
partners-how-to-add = 添加伙伴：/伙伴 添加 名称 | 国家 | 类型
tally-donations = 捐赠 { $count } 笔
tally-nothing = 尚无记录
partner-aka = 又称：{ $names }
partner-since = 始于 { $year } 年
countries-none = 尚无记录。
country-donations = 捐赠 { $count } 笔，{ $money }，受赠方 { $n_recipients } 个
country-shared = 其中共同捐赠 { $count } 笔
country-letters = 信函 { $count } 封
country-events = 活动 { $count } 场
event-kinds-video-conference = 视频会议 { $count } 场
event-kinds-webinar = 网络研讨会 { $count } 场
event-kinds-video-message = 视频致辞 { $count } 个
event-kinds-visit = 访问 { $count } 次
event-kinds-other = 其他 { $count } 场
countries-shared-note = “共同捐赠”：同时捐给多个国家的捐赠在每个国家下都按全额显示；/合计 中只计一次。
search-none = 没有找到。
search-more = 只显示最新的 { $n_shown } 条；请搜索更具体的内容。
history-deleted-now = 此记录已删除。
rates-none = 尚无汇率。添加：/汇率 USD 7.0835 2020-01-01
rate-line = 1 { $currency } = { $rate } 元，自 { $date } 起
rate-saved = 汇率已保存：1 { $currency } = { $rate } 元，自 { $date } 起。
rate-replaced = 替换了同日的 { $rate }。
rate-filled = 已为 { $count } 笔捐赠补上美元金额：{ $ids }。
rate-fixed-note = 已估值的捐赠保持记录时固定的金额不变。
title-rate-changes = 汇率设定记录（最新的在前）
rate-change-line = 1 { $currency } = { $rate } 元，自 { $date } 起 · { $who } 设定于 { $at }
rate-change-replaced = 替换了 { $old }
rate-changes-none = 尚未设定汇率。添加：/汇率 USD 7.0835 2020-01-01
staff-added = { $id } 现为{ $role }。
staff-updated = { $id } 现为{ $role }（已更改）。
staff-removed = { $id } 已不再是工作人员。
staff-none = 尚无工作人员。添加：/员工 添加 123456789 staff
staff-from-config = 来自配置文件

## 记录组成
usd-unknown = 美元金额未知
value-none = 未估值
internal-mark = 内部
letter-signed = 署名：{ $names }
letter-from = 来信人：{ $author }
letter-in-reply-to = 回复 { $id }
event-with = 参与方：{ $names }
event-host = 主办：{ $host }
reception-guests = 来宾 { $count } 人：{ $guests }

## 词语
status-pledged = 已承诺
status-shipped = 已发运
status-delivered = 已送达
direction-sent = 发出
direction-received = 收到
letter-kind-sympathy = 慰问信
letter-kind-reply = 回信
letter-kind-thanks = 感谢信
letter-kind-other = 其他
event-kind-video-conference = 视频会议
event-kind-webinar = 网络研讨会
event-kind-video-message = 视频致辞
event-kind-visit = 访问
event-kind-other = 其他
partner-kind-friendship = 友好省州
partner-kind-partner = 友好合作关系政府
partner-kind-overseas-chinese = 侨团
partner-kind-institution = 机构
partner-kind-organization = 国际组织
partner-kind-embassy = 使馆
level-province = 省/州
level-city = 市
level-county = 县
level-none = —
role-admin = 管理员
role-staff = 工作人员
role-everyone = 所有人
action-create = 创建
action-edit = 修改
action-delete = 删除
action-undo = 撤销

## 引导录入（/添加）
add-choose-kind = 要记录什么？
add-kind-donation = 捐赠
add-kind-letter = 信函
add-kind-event = 活动
add-kind-reception = 接待
add-kind-partner = 伙伴
err-add-kind = 不能记录“{ $input }”。请选择：donation、letter、event、reception、partner 或 reported —— 例如 /添加 donation
add-nothing-to-cancel = 没有进行中的录入。
add-cancelled = 已取消，未保存任何内容。
add-fix-and-save = 未保存。请修改后再保存，或取消。
add-edit-which = 修改哪一项？
add-use-buttons = 请选择 保存、修改 或 取消。
add-progress = { $kind } · 第 { $n_step } 问，共 { $n_steps } 问
add-none = 无
add-default = 发送 . 使用默认值：{ $value }
add-no-default = 此问题没有默认值，请回答。
err-add-bar = 字符 | 用于分隔字段，请不要在回答中使用。
add-card-title = 新{ $kind } —— 请核对
add-card-command = 等同的单行命令：{ $command }
btn-today = 今天
btn-yesterday = 昨天
btn-skip = 跳过
btn-default = 默认
btn-cancel = 取消
btn-save = 保存
btn-edit = 修改
add-ask-date = 日期？（如 2020-03-23）
add-ask-recipient = 捐给谁？伙伴或国家，多个用逗号分隔。
add-ask-items = 捐赠了什么？如 4.5万个口罩; 500套防护服 —— 没有请写 -。
add-ask-value = 申报价值？如 ¥38,500 或 5,000 USD；只写数字会接着问币种；未估值写 -。
add-ask-currency = 币种？
add-ask-donor = 捐赠方（省内哪个单位）？
add-ask-status = 状态？
add-ask-direction = 发出还是收到？
add-ask-partners = 哪个（些）伙伴？多个用逗号分隔。
add-ask-signed = 署名（职务，用逗号分隔）？
add-ask-from = 来信人（姓名和职务）？
add-ask-quote = 信中引文？（没有写 -）
add-ask-letter-kind = 信函类型？
add-ask-event-kind = 活动类型？
add-ask-participants = 参与方？伙伴、国家或名称，用逗号分隔。
add-ask-topic = 主题？
add-ask-host = 主办方？（没有写 -）
add-ask-place = 地点？
add-ask-count = 来宾人数？
add-ask-guests = 来宾是谁？
add-ask-countries = 来自哪些国家？（逗号分隔，没有写 -）
add-ask-name = 伙伴名称？
add-ask-country = 所在国家？
add-ask-partner-kind = 伙伴类型？
add-ask-aliases = 其他名称？（逗号分隔，没有写 -）
add-field-date = 日期
add-field-recipient = 受赠方
add-field-items = 物资
add-field-value = 价值
add-field-currency = 币种
add-field-donor = 捐赠方
add-field-status = 状态
add-field-direction = 方向
add-field-partners = 伙伴
add-field-signed = 署名
add-field-from = 来信人
add-field-quote = 引文
add-field-letter-kind = 类型
add-field-event-kind = 类型
add-field-participants = 参与方
add-field-topic = 主题
add-field-host = 主办方
add-field-place = 地点
add-field-count = 人数
add-field-guests = 来宾
add-field-countries = 国家
add-field-name = 名称
add-field-country = 国家
add-field-partner-kind = 类型
add-field-aliases = 其他名称

## 错误消息中的字段名（与格式说明一致）
field-date = 日期
field-recipient = 受赠方
field-items = 物资
field-value = 金额
field-country = 国家
field-kind = 类型
field-name = 名称
field-partner = 伙伴
field-participant = 参与方
field-topic = 主题
field-place = 地点
field-count = 人数
field-guests = 来宾
field-quote = 引文
field-reason = 原因
field-id = 编号
field-user-id = 用户ID
field-rate = 汇率
field-sent-received = sent|received（发出/收到）
field-field--value = 字段: 新值

## /export
export-form = /导出 csv|xlsx [hxl] [捐赠|信函|活动|接待|伙伴|报道] [时间段]
export-title = 导出 · { $period }
export-count = { $kind }：{ $count }
export-nothing = 这段时间没有可导出的记录。
export-internal-note = 文件包含内部记录，请谨慎分享。
export-private-only = /导出 发送的文件包含内部记录，只能在与机器人的私聊中使用。
export-no-format = 请说明格式：csv 或 xlsx。用法：{ $usage } —— 例如 /导出 xlsx 捐赠 2020
export-bad-format = 无法导出为“{ $given }”：请用 csv 或 xlsx。用法：{ $usage } —— 例如 /导出 csv 信函
export-too-many = 这段时间有 { $count } 条{ $kind }，超过一次导出的上限（{ $max }）。请选较短的时间段，例如 /导出 xlsx 捐赠 2020-03
export-failed = 文件写入失败（{ $error }），未发送任何内容。
export-kind-donations = 捐赠
export-kind-letters = 信函
export-kind-events = 活动
export-kind-receptions = 接待
export-kind-partners = 伙伴
export-noun-donations = 捐赠
export-noun-letters = 信函
export-noun-events = 活动
export-noun-receptions = 接待
export-noun-partners = 伙伴
export-public = 公开
export-internal = 内部
export-col-id = 编号
export-col-date = 日期
export-col-recipients = 受赠方
export-col-countries = 国家
export-col-donor = 捐赠单位
export-col-items = 物资
export-col-value = 申报价值
export-col-currency = 币种
export-col-value-date = 计价日期
export-col-rate = 汇率（每单位合人民币）
export-col-cny = 人民币
export-col-usd = 美元
export-col-status = 状态
export-col-fund = 资金来源
export-col-visibility = 可见范围
export-col-note = 备注
export-col-direction = 方向
export-col-letter-kind = 类型
export-col-partners = 伙伴
export-col-signatories = 署名
export-col-author = 作者
export-col-quote = 引述
export-col-in-reply-to = 回复的信函
export-col-event-kind = 类型
export-col-topic = 主题
export-col-host = 主办
export-col-participants = 参与方
export-col-place = 地点
export-col-guests = 来宾
export-col-count = 来宾人数
export-col-name = 名称
export-col-partner-kind = 类型
export-col-country = 国家
export-col-level = 级别
export-col-aliases = 其他名称
export-col-since = 起始年份

# 回复附带的文件（导出、图表）超过聊天平台的上限。
file-too-large = { $file } 有 { $size } MB，超过本聊天允许的大小（{ $max } MB），未发送。请缩小范围：一类记录或一段时间（/导出 csv 捐赠 2020），或在服务器上导出：amity export csv。
file-refused-too-large = { $file }（{ $size } MB）被聊天服务器以过大为由拒收，未发送。请缩小范围：一类记录或一段时间（/导出 csv 捐赠 2020），或在服务器上导出：amity export csv。
