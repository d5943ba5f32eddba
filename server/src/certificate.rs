//! A passed attempt's certificate, drawn two ways: an SVG the result page shows (landscape, the
//! visitor's own fonts), and a PNG picture a phone can long-press, save and share (portrait,
//! with a QR code to the verification page), rasterised here with the CJK font the server is
//! given, so that the Chinese renders on a machine with no CJK fonts of its own.

use std::{path::Path, sync::Arc};

use resvg::{tiny_skia, usvg};

pub mod pictures;

/// What a certificate says; the verification page shows the same.
pub struct Facts<'a> {
    pub name: &'a str,
    pub contest: &'a str,
    pub score: i64,
    /// `YYYY-MM-DD`, Beijing time.
    pub date: &'a str,
    pub code: &'a str,
    /// The verification page, as printed (absolute when the public origin is configured).
    pub verify_url: &'a str,
}

/// The picture's size: 4:5, the shape phones and chat apps show whole.
pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1350;

fn xml(text: &str) -> String {
    app::foundation::html::escape(text)
}

/// The landscape certificate the result page shows.
pub fn svg(facts: &Facts) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="424" viewBox="0 0 600 424" role="img" aria-label="竞赛证书">
<rect width="600" height="424" fill="#fffaf3"/>
<rect x="14" y="14" width="572" height="396" fill="none" stroke="#b3261e" stroke-width="6"/>
<rect x="26" y="26" width="548" height="372" fill="none" stroke="#b3261e" stroke-width="1.5"/>
<g font-family="'Noto Serif CJK SC','Noto Sans CJK SC','Source Han Serif SC',serif" fill="#1a1a1a" text-anchor="middle">
<text x="300" y="92" font-size="40" fill="#b3261e" font-weight="700">荣 誉 证 书</text>
<text x="300" y="150" font-size="26" font-weight="700">{name}</text>
<text x="300" y="196" font-size="17">在“{contest}”中</text>
<text x="300" y="228" font-size="17">以 {score} 分的成绩通过考核，特发此证。</text>
<text x="300" y="290" font-size="17">开平市应急管理局</text>
<text x="300" y="316" font-size="15">{date}</text>
<text x="300" y="362" font-size="13" fill="#4a4a4a">验证码 {code}</text>
<text x="300" y="384" font-size="11" fill="#4a4a4a">{verify}</text>
</g></svg>"##,
        name = xml(facts.name),
        contest = xml(facts.contest),
        score = facts.score,
        date = facts.date,
        code = xml(facts.code),
        verify = xml(facts.verify_url),
    )
}

/// Cuts a line of text into lines of at most `max` characters (Chinese has no spaces to
/// break at; any character may end a line).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(max).map(|c| c.iter().collect()).collect()
}

/// The QR code of `url` as one SVG path of unit squares, `size` wide, at (`x`, `y`).
fn qr_path(url: &str, x: f32, y: f32, size: f32) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let width = code.width();
    // Four modules of quiet zone on each side, as scanners expect.
    let scale = size / (width + 8) as f32;
    let mut d = String::new();
    for (index, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (col, row) = (index % width + 4, index / width + 4);
            d.push_str(&format!("M{col} {row}h1v1h-1z"));
        }
    }
    Some(format!(
        r##"<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#ffffff"/><path transform="translate({x} {y}) scale({scale})" fill="#000000" d="{d}"/>"##
    ))
}

/// The portrait picture, as SVG for the rasteriser (`family`: the font it has).
fn picture_svg(facts: &Facts, family: &str) -> String {
    let centre = WIDTH / 2;
    let mut lines = String::new();
    let mut y = 560;
    for line in wrap(&format!("在“{}”中", facts.contest), 18) {
        lines.push_str(&format!(
            r#"<text x="{centre}" y="{y}" font-size="44">{}</text>"#,
            xml(&line)
        ));
        y += 64;
    }
    // Only a full address helps a phone that scans the picture far from here (the public
    // origin; without it the code and the page's path are printed, as on the SVG).
    let qr = if facts.verify_url.starts_with("http") {
        qr_path(facts.verify_url, 390.0, 930.0, 300.0).unwrap_or_default()
    } else {
        format!(
            r##"<text x="{centre}" y="1080" font-size="30" fill="#4a4a4a">{}</text>"##,
            xml(facts.verify_url)
        )
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#fffaf3"/>
<rect x="30" y="30" width="1020" height="1290" fill="none" stroke="#b3261e" stroke-width="14"/>
<rect x="58" y="58" width="964" height="1234" fill="none" stroke="#b3261e" stroke-width="3"/>
<g font-family="{family}" fill="#1a1a1a" text-anchor="middle">
<text x="{centre}" y="230" font-size="96" fill="#b3261e">荣 誉 证 书</text>
<text x="{centre}" y="430" font-size="72">{name}</text>
{lines}
<text x="{centre}" y="{score_y}" font-size="44">以 {score} 分的成绩通过考核，特发此证。</text>
<text x="{centre}" y="{bureau_y}" font-size="44">开平市应急管理局</text>
<text x="{centre}" y="{date_y}" font-size="38" fill="#4a4a4a">{date}</text>
{qr}
<text x="{centre}" y="1280" font-size="30" fill="#4a4a4a">扫码或访问证书验证页 · 验证码 {code}</text>
</g></svg>"##,
        name = xml(facts.name),
        score = facts.score,
        score_y = y + 10,
        bureau_y = y + 110,
        date_y = y + 170,
        date = facts.date,
        code = xml(facts.code),
    )
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("no CJK font was loaded (AQXC_CERTIFICATE_FONT)")]
    NoFont,
    #[error("drawing the certificate failed: {0}")]
    Drawing(String),
}

/// Draws certificate pictures with one font, loaded once at start-up.
pub struct Painter {
    /// The font database and the family the pictures name; `None` when the font is missing.
    font: Option<(Arc<usvg::fontdb::Database>, String)>,
}

impl Painter {
    /// Loads the font file (TTF, OTF or a TTC collection). A missing or unreadable file is
    /// reported by the caller and leaves the painter without pictures: the SVG still works.
    pub fn load(font_file: &Path) -> Result<Painter, String> {
        let bytes =
            std::fs::read(font_file).map_err(|e| format!("{}: {e}", font_file.display()))?;
        let mut database = usvg::fontdb::Database::new();
        database.load_font_data(bytes);
        let family = database
            .faces()
            .flat_map(|face| face.families.iter())
            .map(|(name, _)| name.clone())
            .next()
            .ok_or_else(|| format!("{}: no font face in it", font_file.display()))?;
        database.set_sans_serif_family(family.clone());
        database.set_serif_family(family.clone());
        Ok(Painter {
            font: Some((Arc::new(database), family)),
        })
    }

    /// A painter that has no font: every picture is refused with [`PictureError::NoFont`].
    pub fn without_font() -> Painter {
        Painter { font: None }
    }

    pub fn has_font(&self) -> bool {
        self.font.is_some()
    }

    /// The family the pictures name (empty without a font: nothing is drawn then).
    fn family(&self) -> &str {
        self.font.as_ref().map_or("", |(_, family)| family.as_str())
    }

    /// A picture's SVG (from [`picture_svg`]) drawn as a PNG.
    fn png_of(&self, svg: &str) -> Result<Vec<u8>, PictureError> {
        let (database, family) = self.font.as_ref().ok_or(PictureError::NoFont)?;
        let options = usvg::Options {
            fontdb: database.clone(),
            font_family: family.clone(),
            ..usvg::Options::default()
        };
        let drawing = |e: &dyn std::fmt::Display| PictureError::Drawing(e.to_string());
        let tree = usvg::Tree::from_str(svg, &options).map_err(|e| drawing(&e))?;
        let mut pixmap =
            tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| drawing(&"no pixmap"))?;
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| drawing(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_and_every_character_is_kept() {
        let lines = wrap("一二三四五六七八九十", 4);
        assert_eq!(lines, ["一二三四", "五六七八", "九十"]);
    }

    #[test]
    fn the_picture_escapes_what_participants_type() {
        let facts = Facts {
            name: "<script>",
            contest: "A&B",
            score: 90,
            date: "2026-12-01",
            code: "ABCD-EFGH",
            verify_url: "/contest/certificate?code=ABCD-EFGH",
        };
        let svg = picture_svg(&facts, "Test");
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("A&amp;B"));
        assert!(roxmltree::Document::parse(&svg).is_ok(), "well-formed");
    }
}
