//! The one font of every map, embedded in the binary so that maps render on a machine with no
//! system fonts: a subset of Noto Sans CJK SC (SIL OFL 1.1; `assets/fonts/`) with Latin and
//! the 6,763 common simplified Chinese characters of GB 2312.
//!
//! A name with a character the font lacks is never drawn (it would show as boxes): the map
//! prints the site id instead ([`label`]).

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};

use super::OutputError;

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");

/// The family name the maps use. In SVG files it is the generic `sans-serif`, so a viewer
/// without Noto uses its own sans-serif font for the same text.
pub const FAMILY: &str = "sans-serif";

pub(crate) fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        // The bytes are compiled in and checked by a unit test, so this cannot fail at run time.
        FontRef::try_from_slice(FONT_BYTES).expect("embedded font is a valid OpenType font")
    })
}

/// Registers the font with plotters (once per process).
pub fn register() -> Result<(), OutputError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, plotters::style::FontStyle::Normal, FONT_BYTES)
            .map_err(|_| "plotters rejected the embedded font".to_string())
    })
    .clone()
    .map_err(OutputError::Font)
}

/// True if the font has a glyph for every character of `text` (spaces and controls aside).
pub fn covers(text: &str) -> bool {
    let f = font();
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || f.glyph_id(c).0 != 0)
}

/// What a map prints for a site: its name if the font can draw all of it, else its id.
pub fn label<'a>(name: &'a str, id: &'a str) -> &'a str {
    if !name.trim().is_empty() && covers(name) {
        name
    } else {
        id
    }
}

/// Width of `text` in pixels at plotters' font size `size` (the same measure plotters uses).
pub fn width(text: &str, size: f64) -> f64 {
    let f = font().as_scaled(size as f32);
    let mut w = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let g = f.glyph_id(c);
        w += f.h_advance(g);
        if let Some(p) = prev {
            w += f.kern(p, g);
        }
        prev = Some(g);
    }
    f64::from(w)
}

/// `text`, cut with an ellipsis to fit `max_w` pixels.
pub fn fit(text: &str, size: f64, max_w: f64) -> String {
    if width(text, size) <= max_w {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width(&s, size) <= max_w {
            return s;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_has_latin_and_common_chinese_but_not_everything() {
        assert!(FontRef::try_from_slice(FONT_BYTES).is_ok());
        register().unwrap();
        assert!(covers("Hushan park 1 → P04 · 12.5 t"));
        assert!(covers("华东轻纺针织城 浒山 慈溪 观海卫"));
        // A rare character outside GB 2312, and an emoji: fall back to the id.
        assert!(!covers("𠀀"));
        assert_eq!(label("工业园 🏭", "P09"), "P09");
        assert_eq!(label("华东轻纺针织城", "P01"), "华东轻纺针织城");
    }

    #[test]
    fn fit_cuts_long_text_with_an_ellipsis() {
        let long = "East China Light-Textile and Knitting City";
        let w = width(long, 20.0);
        assert!(w > 100.0);
        let cut = fit(long, 20.0, w / 2.0);
        assert!(cut.ends_with('…') && width(&cut, 20.0) <= w / 2.0, "{cut}");
        assert_eq!(fit("P01", 20.0, 1000.0), "P01");
    }
}
