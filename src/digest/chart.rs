//! The digest chart, as PNG: the period's value by country (bars) above the cumulative value since the
//! start (a monthly line). Drawn in memory with `plotters` and encoded with `png`; text uses the Noto
//! Sans SC subset shipped in `assets/fonts/` (SIL Open Font License), registered from bytes, so the
//! picture is the same on any machine — no system fonts are looked up — and Chinese labels are glyphs.

use crate::i18n::Lang;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// Noto Sans CJK SC Regular, cut down to Latin, punctuation, the 3,755 common hanzi of GB 2312 level 1
/// and every character of the message catalogues (see `scripts/subset-font`).
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-amity-subset.otf");
const FAMILY: &str = "amity-sans";

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 760;

/// What the chart shows; every text already in the digest's language.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub lang: Lang,
    pub by_country_title: String,
    pub cumulative_title: String,
    /// Shown in place of the bars when nothing in the period was valued.
    pub empty_label: String,
    /// (country, CNY), largest first.
    pub by_country: Vec<(String, f64)>,
    /// (YYYY-MM, cumulative CNY), oldest first.
    pub cumulative: Vec<(String, f64)>,
}

fn font_ready() -> Result<(), String> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err("the embedded chart font could not be read".into()) }
}

/// Whether the embedded font has a glyph for every character of `text` (whitespace aside).
pub fn font_covers(text: &str) -> bool {
    use ab_glyph::Font;
    static F: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();
    let Some(f) = F.get_or_init(|| ab_glyph::FontRef::try_from_slice(FONT).ok()) else { return false };
    text.chars().filter(|c| !c.is_whitespace()).all(|c| f.glyph_id(c).0 != 0)
}

/// An axis amount: `¥350K`, `¥1.2M` in English; `35万`, `1.2亿` in Chinese.
pub fn axis_money(v: f64, lang: Lang) -> String {
    let trim = |x: f64| {
        let s = format!("{x:.1}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    match lang {
        Lang::En => {
            if v >= 1e9 {
                format!("¥{}B", trim(v / 1e9))
            } else if v >= 1e6 {
                format!("¥{}M", trim(v / 1e6))
            } else if v >= 1e3 {
                format!("¥{}K", trim(v / 1e3))
            } else {
                format!("¥{}", trim(v))
            }
        }
        Lang::Zh => {
            if v >= 1e8 {
                format!("{}亿", trim(v / 1e8))
            } else if v >= 1e4 {
                format!("{}万", trim(v / 1e4))
            } else {
                trim(v)
            }
        }
    }
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn draw_bars(area: &Area<'_>, d: &ChartData) -> Result<(), String> {
    let lang = d.lang;
    draw_bar_rows(area, &d.by_country_title, &d.by_country, &d.empty_label, &|v| axis_money(v, lang))
}

/// Horizontal bars, one a row, each with its label and its value written by `value`.
fn draw_bar_rows(
    area: &Area<'_>,
    title: &str,
    rows: &[(String, f64)],
    empty_label: &str,
    value: &dyn Fn(f64) -> String,
) -> Result<(), String> {
    let e = |x: plotters::drawing::DrawingAreaErrorKind<_>| x.to_string();
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(title.to_string(), (24, 14), font(22))).map_err(e)?;
    if rows.is_empty() {
        area.draw(&Text::new(empty_label.to_string(), (24, 70), font(18).color(&RGBColor(110, 110, 110))))
            .map_err(e)?;
        return Ok(());
    }
    let max = rows.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let top = 56i32;
    let row = ((h as i32 - top - 16) / rows.len() as i32).clamp(14, 36);
    let label_w = 230i32;
    let bar_max = w as i32 - label_w - 150;
    let color = RGBColor(46, 110, 180);
    for (i, (name, v)) in rows.iter().enumerate() {
        let y = top + i as i32 * row;
        let label: String = if name.chars().count() > 22 {
            format!("{}…", name.chars().take(21).collect::<String>())
        } else {
            name.clone()
        };
        area.draw(&Text::new(label, (24, y + row / 2 - 9), font(16))).map_err(e)?;
        let len = ((v / max) * bar_max as f64).round() as i32;
        area.draw(&Rectangle::new([(label_w, y + 3), (label_w + len.max(1), y + row - 3)], color.filled()))
            .map_err(e)?;
        area.draw(&Text::new(value(*v), (label_w + len + 8, y + row / 2 - 9), font(15))).map_err(e)?;
    }
    Ok(())
}

fn draw_cumulative(area: &Area<'_>, d: &ChartData) -> Result<(), String> {
    draw_line(area, &d.cumulative_title, &d.cumulative, d.lang)
}

/// A line over months (with the area under it shaded), money on the y axis.
fn draw_line(area: &Area<'_>, title: &str, points: &[(String, f64)], lang: Lang) -> Result<(), String> {
    let e = |x: plotters::drawing::DrawingAreaErrorKind<_>| x.to_string();
    let n = points.len().max(1);
    let max = points.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0) * 1.08;
    let mut chart = ChartBuilder::on(area)
        .caption(title, font(22))
        .margin(18)
        .margin_right(44)
        .x_label_area_size(36)
        .y_label_area_size(80)
        .build_cartesian_2d(0usize..n.saturating_sub(1).max(1), 0f64..max)
        .map_err(e)?;
    let months: Vec<String> = points.iter().map(|(m, _)| m.clone()).collect();
    chart
        .configure_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|i| months.get(*i).cloned().unwrap_or_default())
        .y_label_formatter(&|v| axis_money(*v, lang))
        .label_style(font(14))
        .draw()
        .map_err(e)?;
    let color = RGBColor(200, 80, 40);
    chart
        .draw_series(AreaSeries::new(points.iter().enumerate().map(|(i, (_, v))| (i, *v)), 0.0, color.mix(0.15)))
        .map_err(e)?;
    chart
        .draw_series(LineSeries::new(points.iter().enumerate().map(|(i, (_, v))| (i, *v)), color.stroke_width(3)))
        .map_err(e)?;
    Ok(())
}

/// One chart on its own, for `/chart`: bars (money or quantities) or a line over months.
#[derive(Clone, Debug, PartialEq)]
pub enum Single {
    /// (label, value), largest first; `money`: values are CNY (else counts).
    Bars { rows: Vec<(String, f64)>, money: bool },
    /// (YYYY-MM, CNY), oldest first.
    Line { points: Vec<(String, f64)> },
}

/// The most height of a single chart (the width is [`WIDTH`]).
pub const SINGLE_HEIGHT: u32 = 520;

/// Draws one chart with its title and returns the PNG bytes.
pub fn render_single(lang: Lang, title: &str, what: &Single) -> Result<Vec<u8>, String> {
    font_ready()?;
    // Bars take the height their rows need (a few rows are not a tall empty picture).
    let height = match what {
        Single::Bars { rows, .. } => (80 + 36 * rows.len() as u32).clamp(200, SINGLE_HEIGHT),
        Single::Line { .. } => SINGLE_HEIGHT,
    };
    let mut buf = vec![255u8; (WIDTH * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| x.to_string())?;
        match what {
            Single::Bars { rows, money } => {
                let fmt = |v: f64| {
                    if *money { axis_money(v, lang) } else { crate::domain::money::fmt_int(v.round() as i128) }
                };
                draw_bar_rows(&root, title, rows, "", &fmt)?
            }
            Single::Line { points } => draw_line(&root, title, points, lang)?,
        }
        root.present().map_err(|x| x.to_string())?;
    }
    encode_png(&buf, WIDTH, height)
}

/// Draws the chart and returns the PNG bytes.
pub fn render(d: &ChartData) -> Result<Vec<u8>, String> {
    font_ready()?;
    let mut buf = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| x.to_string())?;
        let (top, bottom) = root.split_vertically(400);
        draw_bars(&top, d)?;
        draw_cumulative(&bottom, d)?;
        root.present().map_err(|x| x.to_string())?;
    }
    encode_png(&buf, WIDTH, HEIGHT)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut wr = enc.write_header().map_err(|x| x.to_string())?;
        wr.write_image_data(rgb).map_err(|x| x.to_string())?;
        wr.finish().map_err(|x| x.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_amounts_read_naturally() {
        assert_eq!(axis_money(350_000.0, Lang::En), "¥350K");
        assert_eq!(axis_money(1_200_000.0, Lang::En), "¥1.2M");
        assert_eq!(axis_money(350_000.0, Lang::Zh), "35万");
        assert_eq!(axis_money(120_000_000.0, Lang::Zh), "1.2亿");
    }

    #[test]
    fn the_font_covers_country_names_in_both_languages() {
        let missing: Vec<String> = crate::domain::country::all()
            .flat_map(|c| [c.name_en(), c.name_zh()])
            .filter(|n| !font_covers(n))
            .map(str::to_string)
            .collect();
        assert!(missing.is_empty(), "no glyph for some characters of: {missing:?}");
        assert!(font_covers("价值 按国家 累计 ¥350K 35万"));
        assert!(!font_covers("𠀀"));
    }
}
