# 解析用户输入的国家或地区时的错误（src/domain/country.rs）。
# 参数：$input（用户输入）、$suggestions_zh（如 “德国 (DE)、奥地利 (AT)”）。

country-unknown = 无法识别国家或地区“{ $input }”。您是不是要找：{ $suggestions_zh }？
country-unknown-no-suggestions = 无法识别国家或地区“{ $input }”。请输入国家或地区名称，或两位 ISO 代码（如 DE）。
