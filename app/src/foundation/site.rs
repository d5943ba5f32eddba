use serde::{Deserialize, Serialize};

/// The bureau whose portal this is.
pub const BUREAU_NAME: &str = "开平市应急管理局";
/// The site's own title, shown in the header and in `<title>`.
pub const SITE_TITLE: &str = "开平市应急管理局 安全宣传与执法公开平台";

/// Facts about the running site that the server hands to every page through context.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The path prefix the portal is served under, without a trailing slash: `""` at the root
    /// of a host, `"/aqxc"` when it lives as a section of a larger site.
    pub base: String,
    /// Whether `AQXC_PUBLIC_ORIGIN` is set: absolute URLs (a contest's QR code for posters)
    /// exist only then, so pages leave out what needs one.
    #[serde(default)]
    pub has_public_origin: bool,
    /// The filing facts a government site shows in its footer; each is left out when unset.
    #[serde(default)]
    pub filings: Filings,
}

/// What a government site must show at the foot of every page, from the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filings {
    /// 网站标识码, issued with the site's registration in the national government site list.
    pub site_code: Option<String>,
    /// ICP filing number, e.g. 粤ICP备12345678号; links to beian.miit.gov.cn.
    pub icp: Option<String>,
    /// Public security filing number, e.g. 粤公网安备 44078302000123号; links to the record
    /// at beian.mps.gov.cn.
    pub police: Option<String>,
    /// The site's page on the national 我为政府网站找错 platform (zfwzzc.www.gov.cn).
    pub error_report_url: Option<String>,
}

impl Filings {
    /// The public security filing's record at beian.mps.gov.cn: its query takes the digits.
    pub fn police_url(&self) -> Option<String> {
        let digits: String = self
            .police
            .as_deref()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (!digits.is_empty())
            .then(|| format!("https://beian.mps.gov.cn/#/query/webSearch?code={digits}"))
    }
}

impl Site {
    /// Normalises a configured base path: `/`, `""` → `""`; `aqxc/` → `/aqxc`.
    pub fn new(base: &str) -> Self {
        let trimmed = base.trim().trim_matches('/');
        let base = if trimmed.is_empty() {
            String::new()
        } else {
            format!("/{trimmed}")
        };
        Self {
            base,
            ..Self::default()
        }
    }

    /// Reads a configured base path, refusing what cannot be a URL path prefix: `?`, `#`, `%`,
    /// whitespace, backslashes, control or non-ASCII characters, empty, `.` or `..` segments.
    /// Leading and trailing slashes are optional (`aqxc`, `/aqxc/` → `/aqxc`). The error says
    /// why, for the operator.
    pub fn parse(base: &str) -> Result<Self, String> {
        let trimmed = base.trim_matches('/');
        if trimmed.is_empty() {
            return Ok(Self::default());
        }
        for segment in trimmed.split('/') {
            if segment.is_empty() {
                return Err("an empty segment (\"//\") is not allowed".into());
            }
            if segment == "." || segment == ".." {
                return Err(format!("a \"{segment}\" segment is not allowed"));
            }
            if let Some(bad) = segment
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
            {
                return Err(format!("the character {bad:?} is not allowed"));
            }
        }
        Ok(Self {
            base: format!("/{trimmed}"),
            ..Self::default()
        })
    }

    /// A link to a path of the portal (`"/"`, `"/articles"`), under the base path.
    pub fn href(&self, path: &str) -> String {
        debug_assert!(path.starts_with('/'), "portal paths start with '/': {path}");
        format!("{}{}", self.base, path)
    }
}

/// The [`Site`] of the current request, provided by the server.
pub fn use_site() -> Site {
    leptos::prelude::use_context::<Site>().unwrap_or_default()
}

/// Server functions are posted to `/api/…` under the base path; the browser learns the base
/// from the `data-base` attribute the shell writes on `<html>`.
#[cfg(feature = "hydrate")]
pub fn point_server_functions_at_base_path() {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("data-base"))
        .unwrap_or_default();
    if !base.is_empty() {
        // Leaked once per page load: the client keeps the root URL for the page's lifetime.
        let _ = server_fn::client::try_set_server_url(Box::leak(base.into_boxed_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_empty_base_paths_mean_no_prefix() {
        assert_eq!(Site::new("/").base, "");
        assert_eq!(Site::new("").base, "");
        assert_eq!(Site::new("/").href("/articles"), "/articles");
    }

    #[test]
    fn base_paths_that_cannot_prefix_a_url_path_are_refused() {
        assert_eq!(Site::parse("/").map(|s| s.base), Ok(String::new()));
        assert_eq!(Site::parse("aqxc/").map(|s| s.base), Ok("/aqxc".into()));
        assert_eq!(
            Site::parse("/gov/aq-xc_1.0~/").map(|s| s.base),
            Ok("/gov/aq-xc_1.0~".into())
        );
        for bad in [
            "/a?b", "/a#b", "/a b", " /aqxc", "/a%20b", "/a\\b", "/a\tb", "/a\nb", "/../x",
            "/a/./b", "/a//b", "/安全", "/a\u{7f}",
        ] {
            assert!(Site::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            Site::parse("/a?b").unwrap_err(),
            "the character '?' is not allowed"
        );
    }

    #[test]
    fn the_police_filing_links_to_its_record_by_its_digits() {
        let filings = Filings {
            police: Some("粤公网安备 44078302000123号".into()),
            ..Filings::default()
        };
        assert_eq!(
            filings.police_url().as_deref(),
            Some("https://beian.mps.gov.cn/#/query/webSearch?code=44078302000123")
        );
        assert_eq!(Filings::default().police_url(), None);
    }

    #[test]
    fn base_paths_are_normalised_to_a_leading_slash_only() {
        assert_eq!(Site::new("aqxc").base, "/aqxc");
        assert_eq!(Site::new("/aqxc/").base, "/aqxc");
        assert_eq!(Site::new("/gov/aqxc/").href("/"), "/gov/aqxc/");
    }
}
