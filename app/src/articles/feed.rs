//! RSS 2.0 feeds (the whole site, and one per category) and the sitemap. Links are built from
//! the portal's root: absolute when the public origin is configured, otherwise root-relative
//! paths under the base path (feed readers and search engines resolve them against the feed's
//! own address; production sets `AQXC_PUBLIC_ORIGIN`).

use super::{ArticleSummary, Category};
use crate::foundation::html::escape;

/// Formats Unix seconds as an RFC 822 date in Beijing time, as RSS wants.
pub fn rfc822(unix_secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let local = unix_secs + 8 * 3600;
    let days = local.div_euclid(86_400);
    let (date, time) = (
        crate::foundation::clock::format_beijing(unix_secs),
        local.rem_euclid(86_400),
    );
    let (year, month, day) = (&date[0..4], &date[5..7], &date[8..10]);
    let month_name = MONTHS[month.parse::<usize>().unwrap_or(1) - 1];
    format!(
        "{}, {day} {month_name} {year} {:02}:{:02}:{:02} +0800",
        DAYS[days.rem_euclid(7) as usize],
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// An RSS feed of `articles`; `root` is the portal's URL without a trailing slash (absolute, or
/// only the base path). A relative link is not a permalink, so the `guid` says so.
pub fn rss(root: &str, category: Option<Category>, articles: &[ArticleSummary]) -> String {
    let (title, link) = match category {
        Some(category) => (
            format!(
                "{} - {}",
                category.name(),
                crate::foundation::site::SITE_TITLE
            ),
            format!("{root}/articles/category/{}", category.key()),
        ),
        None => (
            format!("安全宣传 - {}", crate::foundation::site::SITE_TITLE),
            format!("{root}/articles"),
        ),
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n\
         <title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>zh-CN</language>\n",
        escape(&title),
        escape(&link),
        escape("开平市应急管理局发布的安全宣传文章")
    );
    let permalink = root.starts_with("https://") || root.starts_with("http://");
    for article in articles {
        let url = format!("{root}/articles/{}", article.slug);
        xml.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"{permalink}\">{}</guid>\n\
             <category>{}</category>\n<pubDate>{}</pubDate>\n<description>{}</description>\n</item>\n",
            escape(&article.title),
            escape(&url),
            escape(&url),
            escape(article.category.name()),
            rfc822(article.published_at),
            escape(&article.summary)
        ));
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

/// The sitemap: the sections, then every published article.
pub fn sitemap(root: &str, articles: &[(String, i64)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/inspections", "/articles", "/contest"] {
        xml.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            escape(&format!("{root}{path}"))
        ));
    }
    for category in Category::ALL {
        xml.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            escape(&format!("{root}/articles/category/{}", category.key()))
        ));
    }
    for (slug, updated_at) in articles {
        let date = &crate::foundation::clock::format_beijing(*updated_at)[..10];
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{date}</lastmod></url>\n",
            escape(&format!("{root}/articles/{slug}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_dates_are_rfc_822_in_beijing_time() {
        // 2021-09-01 00:00 Beijing was a Wednesday.
        assert_eq!(rfc822(1_630_425_600), "Wed, 01 Sep 2021 00:00:00 +0800");
    }

    #[test]
    fn feed_text_is_escaped() {
        let article = ArticleSummary {
            slug: "a".into(),
            title: "<燃气> & 安全".into(),
            category: Category::SafetyKnowledge,
            summary: "s".into(),
            published_at: 0,
            reading_minutes: 1,
        };
        let xml = rss("https://x.example", None, &[article]);
        assert!(xml.contains("<title>&lt;燃气&gt; &amp; 安全</title>"));
    }
}
