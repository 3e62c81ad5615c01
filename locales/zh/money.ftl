# 解析金额、数量和物资清单时的错误（src/domain/money.rs）。
# 参数均为字符串。$text、$line、$item 是用户输入的原文（最多 60 个字符）。

## 金额

money-value-empty = 没有填写金额。请写金额和币种，例如“90,000 CNY”“350万元”或“$12,700”；未估值请写“-”。
money-value-negative = 金额“{ $text }”是负数。请写正数，例如“90,000 CNY”或“9万元”。
money-value-zero = 金额“{ $text }”为零。请写大于零的金额，例如“90,000 CNY”或“9万元”；未估值请写“-”。
money-value-too-precise = 金额“{ $text }”的小数超过 4 位。请四舍五入，例如“38,500.50 CNY”。
money-value-too-large = 金额“{ $text }”超过 1,000,000,000,000 { $currency }，不合常理。请核对数字，例如“350万元”或“3.5 million CNY”。
money-value-unknown-currency = “{ $text }”中的“{ $currency }”不是可识别的币种。请写 CNY（人民币、元、RMB、¥）、USD（美元、$）、EUR（欧元、€）、GBP（英镑、£）、JPY（日元、円）、KRW（韩元、₩）或其他 ISO 4217 代码，例如“500 EUR”。
money-value-missing-currency = 金额“{ $text }”没有币种。请加上币种，例如“{ $text }元”或“{ $text } USD”。
money-value-currency-conflict = 金额“{ $text }”同时写了两种币种：{ $first } 和 { $second }。请只写一种，例如“500 EUR”。
money-value-not-a-number = “{ $text }”不是金额。请写数字和币种，例如“90,000 CNY”“350万元”或“$12,700”。

## 数量

money-quantity-empty = 没有填写数量。请写整数，例如“45,000”或“4.5万”。
money-quantity-negative = “{ $text }”：数量是负数。请写大于零的数，例如“45,000”。
money-quantity-zero = “{ $text }”：数量为零。请写大于零的数，例如“45,000”。
money-quantity-not-whole = “{ $text }”：数量不是整数。请写整数，例如“45,000”或“4.5万”。
money-quantity-too-large = “{ $text }”：数量超过 1,000,000,000,000，不合常理。请核对数字，例如“120万”。
money-quantity-not-a-number = “{ $text }”不是数量。请用阿拉伯数字，例如“45,000”“4.5万”或“1.2 million”。
money-quantity-ambiguous = “{ $text }”是 { $small } 还是 { $large }？这里小数点是“.”，千位分隔符是“,”：请写“{ $large }”或“{ $small }”。
money-double-multiplier = “{ $text }”连用了两个倍数词。请只用一个，例如“1亿”“100 million”或“4.5万”。
money-item-two-numbers = “{ $line }”开头有两个数字。请在物资前只写一个数量，例如“10个口罩”或“1,010个口罩”。
money-fixed-too-large = 金额“{ $text }”按估值日汇率折合超过 1,000,000,000,000 { $currency }，超出单笔捐赠的上限。请核对金额和汇率。
money-fixed-below-minor = 金额“{ $text }”折合不足一分钱（0.01元）或一美分（$0.01）。请写至少 0.01 的金额，例如“90,000 CNY”。

## 物资清单

money-items-empty = 没有填写物资。请按“数量 [单位] 物品”逐项填写，用“；”分隔，例如“500套防护服；5万个口罩”。
money-items-too-many = 清单共 { $count } 项，最多允许 { $max } 项。请分成几条记录，例如“500套防护服；5万个口罩”。
money-item-missing-quantity = “{ $line }”中没有数量。请把数量写在前面，例如“500 { $line }”，或写在物品后面，例如“口罩5万个”。
money-item-numeral-without-unit = “{ $line }”开头的中文数字后面没有单位。请加上单位，例如“五千个口罩”，或写成阿拉伯数字，例如“5000个口罩”。
money-item-missing-item = “{ $line }”只有数量，没有物品名称。请写明物品，例如“500套防护服”。
money-item-name-too-long = 物品名称“{ $item }”超过 { $max } 个字符。请缩短，例如“500套防护服”。
