# 公开报道的数字（/报道）与来源。
help-reported = 公开报道的数字，与台账并列，从不计入台账合计 —— /报道 2020
help-reported-add = 记录来源公布的数字 —— /报道 2020-06-30 | 捐赠 | 近350万元（49.41万美元） | 30个地方政府 | 来源：中国日报
usage-reported = 格式：/报道 日期 | 捐赠|信函|活动|接待 | 数字 [| 数字…] | 来源：… [| 期间：时段] [| internal] [| note: 备注]
    例如：/报道 2020-06-30 | 捐赠 | 近350万元（49.41万美元） | 30个地方政府 | 20个国家 | 期间：2020-01..2020-06 | 来源：中国日报，2020-06-30
    列出：/报道 [类别] [时段]，例如 /报道 捐赠 2020
title-reported = 公开报道的数字
section-reported = 公开报道的数字
reported-never-added = 按来源原文照录，不计入台账合计。
reported-none = 此期间没有公开报道的数字。
reported-how-to-add = 用 /报道 日期 | 类别 | 数字 | 来源：… 记录（见 /帮助 reported）。
reported-of-donations = 捐赠
reported-of-letters = 信函
reported-of-events = 活动
reported-of-receptions = 接待
record-source = 来源：{ $source }
recon-line = 台账已记：{ $parts }
recon-money = { $mark }{ $reported }中已记{ $have }
recon-count = { $figure }中已记{ $have }
recon-missing = （尚有{ $count }未记）
recon-more = （台账多出{ $count }）
err-figure = “{ $text }”：{ $reason }
err-figure-no-number = 没有可读的数字；一项数字是一个数及其所计之物，例如 30个地方政府、近350万元（49.41万美元）、十余位外国大使
err-figure-nothing-counted = 只有数字，没有说明计的是什么，例如 20个国家
err-figure-second-not-usd = 括号中的金额应为来源给出的美元数，例如（49.41万美元）；“{ $text }”不是美元
err-too-many-figures = 一条报道中超过 { $max } 项数字；请分成两条
err-reported-period-after = 期间（{ $period }）开始于报道日期（{ $date }）之后：报道只能涉及此前的日子
field-figures = 数字
qualifier-exact = 确数
qualifier-nearly = 近
qualifier-about = 约
qualifier-more-than = 逾
qualifier-at-least = 至少
export-kind-reported = 公开报道的数字
export-noun-reported = 条报道数字
export-col-reported-of = 类别
export-col-period-from = 期间起
export-col-period-to = 期间止
export-col-figure = 原文数字
export-col-qualifier = 限定词
export-col-number = 数值
export-col-counted = 所计之物
export-col-source = 来源

# Guided /add
add-kind-reported = 报道数字
add-ask-reported-of = 这些数字是关于什么的？
add-ask-figures = 按来源原文填写数字：每行一项，或用“；”分隔。例如 近350万元（49.41万美元）；30个地方政府；20个国家
add-ask-source = 在哪里发布的？网址或文件出处。
add-ask-period = 涵盖哪些日子？例如 2020-01..2020-06（- 表示截至报道日期）
add-field-reported-of = 类别
add-field-figures = 数字
add-field-source = 来源
add-field-period = 期间

# 捐赠方（/捐赠方）与 donor: 筛选。
help-donors = 谁捐赠了，各自的统计 —— /捐赠方 2020
usage-donors = /捐赠方 [时间段] —— 例如 /捐赠方 2020；某一捐赠方的捐赠：/捐赠 捐赠方：名称
title-donors = 捐赠方
donors-count = 共 { $count } 个捐赠方。
donor-countries = { $count } 个国家
donors-filter-hint = 某一捐赠方的捐赠：/捐赠 捐赠方：{ $donor }
err-donor-empty = 哪个捐赠方？例如 /捐赠 捐赠方：省教育厅
err-unknown-donor = 没有名为“{ $input }”的捐赠方。/捐赠方 列出全部，例如 /捐赠 捐赠方：省外事办公室
err-unknown-donor-suggest = 没有名为“{ $input }”的捐赠方。您是否指：{ $suggestions }？

# 待回复的信函（/信函 待回复）。
title-awaiting = 待回复的信函
letters-reply-rate = 致函伙伴 { $n_written } 个，已回复 { $n_replied } 个。
awaiting-none = 所有致函的伙伴都已回复。
awaiting-count = { $count } 封信尚待回复（按时间先后）：
awaiting-entry = { $id } · { $date } · { $kind } · { $partners }
    已等待 { $days } 天
err-ambiguous-donor = “{ $input }”对应多个捐赠方。是哪一个？
