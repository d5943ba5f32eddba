//! Bytes compressed once and sent many times: the built site's files (at start-up) and the
//! page cache's kept pages (once per page and content). Everything else is compressed per
//! response by tower-http's layer, which leaves these alone (they carry `Content-Encoding`).

use std::io::Write;

use axum::{
    body::Bytes,
    http::{HeaderMap, header},
};

/// Bodies smaller than this are not worth compressing.
const MIN_COMPRESS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The `Content-Encoding` value, none for identity.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// The best encoding the client accepts, from `Accept-Encoding` (a `q=0` refuses one).
/// Brotli first: for text it is the smallest that every current browser reads.
pub fn preferred(headers: &HeaderMap) -> Encoding {
    let Some(accepted) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let accepts = |name: &str| {
        accepted.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|param| {
                param.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// One body in each encoding worth having (a compressed form only where it is smaller).
#[derive(Clone, Debug)]
pub struct Encoded {
    pub identity: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
}

impl Encoded {
    /// The body as it is, compressed as far as the formats go (brotli 11, gzip 9): slow
    /// (tens of milliseconds for a 30 KB page), so done once per content.
    pub fn best(identity: Bytes, compressible: bool) -> std::io::Result<Self> {
        let (gzip, brotli) = if compressible && identity.len() >= MIN_COMPRESS {
            (
                smaller(gzip(&identity)?, &identity),
                smaller(brotli(&identity)?, &identity),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            identity,
            gzip,
            brotli,
        })
    }

    /// The form to send for a request's `Accept-Encoding`, with its `Content-Encoding`.
    pub fn pick(&self, request_headers: &HeaderMap) -> (Bytes, Encoding) {
        match preferred(request_headers) {
            Encoding::Brotli if self.brotli.is_some() => {
                (self.brotli.clone().unwrap_or_default(), Encoding::Brotli)
            }
            Encoding::Brotli | Encoding::Gzip if self.gzip.is_some() => {
                (self.gzip.clone().unwrap_or_default(), Encoding::Gzip)
            }
            _ => (self.identity.clone(), Encoding::Identity),
        }
    }
}

fn smaller(compressed: Vec<u8>, original: &[u8]) -> Option<Bytes> {
    (compressed.len() < original.len()).then(|| Bytes::from(compressed))
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(accept_encoding: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept_encoding).unwrap(),
        );
        headers
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_q_zero_refuses() {
        assert_eq!(
            preferred(&headers("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(preferred(&headers("gzip")), Encoding::Gzip);
        assert_eq!(preferred(&headers("br;q=0, gzip;q=0.5")), Encoding::Gzip);
        assert_eq!(preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn each_form_decodes_to_the_body() {
        let text = Bytes::from("安全生产，人人有责。".repeat(100));
        let encoded = Encoded::best(text.clone(), true).unwrap();
        let (br, encoding) = encoded.pick(&headers("gzip, deflate, br, zstd"));
        assert_eq!(encoding, Encoding::Brotli);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, text);
        let (gz, encoding) = encoded.pick(&headers("gzip"));
        assert_eq!(encoding, Encoding::Gzip);
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        assert_eq!(encoded.pick(&HeaderMap::new()).0, text);
    }

    #[test]
    fn small_or_binary_bodies_stay_as_they_are() {
        let tiny = Encoded::best(Bytes::from_static(b"ok"), true).unwrap();
        assert!(tiny.brotli.is_none() && tiny.gzip.is_none());
        let image = Encoded::best(Bytes::from(vec![7u8; 4096]), false).unwrap();
        assert_eq!(image.pick(&headers("br")).1, Encoding::Identity);
    }
}
