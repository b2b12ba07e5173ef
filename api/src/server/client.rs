//! Who is on the other end of a request: the TCP peer, or, behind proxies this server trusts,
//! the address the outermost of them received the request from.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};

/// The TCP peer; `None` when the server was started without connection info.
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0)))
    }
}

/// The client's address. Each of the `trusted_hops` proxies in front of this server appends the
/// address it received the request from to `X-Forwarded-For` (an AWS load balancer does), so the
/// client is that many entries from the right. Entries further left were written by the client
/// itself and prove nothing; with no trusted proxy, the header is ignored altogether.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted_hops: usize) -> Option<IpAddr> {
    if trusted_hops == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    // Nearest first: each entry was written by the hop before it, which we trust.
    for entry in forwarded.iter().rev().take(trusted_hops) {
        match entry.parse::<IpAddr>() {
            Ok(ip) => client = Some(ip),
            // A trusted proxy writes addresses; anything else stops the walk where it is.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(client_ip(ip("10.0.0.5"), &headers, 0), ip("10.0.0.5"));
    }

    #[test]
    fn behind_one_proxy_the_client_is_the_last_entry_whatever_it_sent_before() {
        // The client forged the first entry; the load balancer appended the real one.
        let headers = forwarded(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(client_ip(ip("10.0.0.5"), &headers, 1), ip("198.51.100.7"));
        let split = forwarded(&["1.2.3.4", "198.51.100.7"]);
        assert_eq!(client_ip(ip("10.0.0.5"), &split, 1), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("10.0.0.5"), &forwarded(&["1.2.3.4, 2001:db8::1"]), 2), ip("1.2.3.4"));
    }

    #[test]
    fn a_missing_or_malformed_entry_falls_back_to_the_nearest_trusted_one() {
        assert_eq!(client_ip(ip("10.0.0.5"), &HeaderMap::new(), 1), ip("10.0.0.5"));
        assert_eq!(client_ip(ip("10.0.0.5"), &forwarded(&["1.2.3.4, garbage"]), 2), ip("10.0.0.5"));
        assert_eq!(client_ip(ip("10.0.0.5"), &forwarded(&["garbage, 198.51.100.7"]), 2), ip("198.51.100.7"));
    }
}
