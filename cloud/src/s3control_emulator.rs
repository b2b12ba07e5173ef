//! S3 Control against a local emulator. moto (5.2) answers S3 Control's Create and Get calls
//! with `<CreateAccessPointResponse>` where AWS (and so the Rust SDK, which checks) has
//! `<CreateAccessPointResult>`, and boto3 does not mind. Only on an emulator's endpoint (see
//! [`is_emulator_endpoint`](crate::access_points::is_emulator_endpoint)) does the HTTP client
//! rename a successful answer's root element; errors (`<ErrorResponse>`) are left as they are.

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::{
    http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
        SharedHttpConnector,
    },
    orchestrator::HttpRequest,
    result::ConnectorError,
    runtime_components::RuntimeComponents,
};
use aws_smithy_types::{body::SdkBody, byte_stream::ByteStream};

/// An HTTPS client (plain HTTP too) that renames `…Response` roots of successful answers.
pub(crate) fn http_client() -> ResultRoots {
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_https();
    ResultRoots { inner }
}

#[derive(Debug)]
pub(crate) struct ResultRoots {
    inner: SharedHttpClient,
}

impl HttpClient for ResultRoots {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(Connector { inner: self.inner.http_connector(settings, components) })
    }
}

#[derive(Debug)]
struct Connector {
    inner: SharedHttpConnector,
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await?;
            if !response.status().is_success() {
                return Ok(response);
            }
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let bytes =
                ByteStream::new(body).collect().await.map_err(|e| ConnectorError::io(e.into()))?.into_bytes();
            let fixed = result_root(&bytes).unwrap_or_else(|| bytes.to_vec());
            response.headers_mut().insert("content-length", fixed.len().to_string());
            *response.body_mut() = SdkBody::from(fixed);
            Ok(response)
        })
    }
}

/// The XML with its root `<XResponse>` renamed `<XResult>`; None when it has no such root.
pub(crate) fn result_root(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let rest = match text.trim_start().strip_prefix("<?") {
        Some(declared) => &declared[declared.find("?>")? + 2..],
        None => text,
    };
    let open = rest.find('<')?;
    let name: String = rest[open + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let base = name.strip_suffix("Response").filter(|b| !b.is_empty() && *b != "Error")?;
    let close = format!("</{name}>");
    let end = text.rfind(&close)?;
    let start = text.len() - rest.len() + open;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.push_str(&format!("<{base}Result"));
    out.push_str(&text[start + 1 + name.len()..end]);
    out.push_str(&format!("</{base}Result>"));
    out.push_str(&text[end + close.len()..]);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::result_root;

    #[test]
    fn moto_response_roots_become_result_roots_and_errors_stay() {
        let moto = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CreateAccessPointResponse xmlns=\"x\"><Alias>a</Alias></CreateAccessPointResponse>";
        let fixed = String::from_utf8(result_root(moto.as_bytes()).expect("renamed")).expect("utf8");
        assert_eq!(
            fixed,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CreateAccessPointResult xmlns=\"x\"><Alias>a</Alias></CreateAccessPointResult>"
        );
        assert_eq!(result_root(b"<GetAccessPointResult><Name>n</Name></GetAccessPointResult>"), None);
        assert_eq!(result_root(b"<ErrorResponse><Error/></ErrorResponse>"), None);
        assert_eq!(result_root(b""), None);
    }
}
