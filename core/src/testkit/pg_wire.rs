//! A TCP proxy in front of Postgres that counts the statements its clients send: every simple
//! query (`Q`) and every execution of a prepared statement (`E`), so BEGIN, COMMIT and LISTEN
//! count like any other. It reads the client's side of the wire protocol only, so clients must
//! connect without TLS (`sslmode=disable`).
//!
//! It depends on Tokio alone: the benchmark harness compiles this same file (`#[path]`), because
//! depending on the test kit would compile it into the release binaries built alongside.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// Statements counted so far, across every connection through the proxy.
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Splits a client's byte stream into protocol messages and counts the statements among them.
#[derive(Debug, Default)]
pub struct Reader {
    /// The first message (startup, or a TLS or cancel request) has no type byte.
    started: bool,
    buffer: Vec<u8>,
}

impl Reader {
    /// Takes the next bytes the client sent; returns how many statements they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> u64 {
        self.buffer.extend_from_slice(bytes);
        let mut statements = 0;
        let mut at = 0;
        loop {
            let header = if self.started { 5 } else { 4 };
            let Some(head) = self.buffer.get(at..at + header) else { break };
            let length_at = if self.started { 1 } else { 0 };
            let length = u32::from_be_bytes([
                head[length_at],
                head[length_at + 1],
                head[length_at + 2],
                head[length_at + 3],
            ]) as usize;
            // The length counts itself, not the type byte.
            let total = length + length_at;
            if self.buffer.len() < at + total {
                break;
            }
            if self.started {
                if matches!(head[0], b'Q' | b'E') {
                    statements += 1;
                }
            } else {
                let code =
                    self.buffer.get(at + 4..at + 8).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
                // An SSL or GSS request is answered before the real startup message comes.
                if !matches!(code, Some(80_877_103 | 80_877_104)) {
                    self.started = true;
                }
            }
            at += total.max(1);
        }
        self.buffer.drain(..at);
        statements
    }
}

/// Listens on 127.0.0.1 and forwards every connection to `upstream`, counting statements.
/// Returns the address to connect to; the proxy lives as long as the runtime it was started on.
pub async fn start(upstream: String) -> std::io::Result<(SocketAddr, Counter)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let counter = Counter::default();
    let count = counter.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let count = count.clone();
            tokio::spawn(async move {
                if let Ok(server) = TcpStream::connect(&upstream).await {
                    let _ = relay(client, server, count).await;
                }
            });
        }
    });
    Ok((addr, counter))
}

async fn relay(client: TcpStream, server: TcpStream, count: Counter) -> std::io::Result<()> {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = async move {
        let mut reader = Reader::default();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = client_read.read(&mut buf).await?;
            if n == 0 {
                return server_write.shutdown().await;
            }
            count.0.fetch_add(reader.feed(&buf[..n]), Ordering::Relaxed);
            server_write.write_all(&buf[..n]).await?;
        }
    };
    let downstream = async move {
        tokio::io::copy(&mut server_read, &mut client_write).await?;
        client_write.shutdown().await
    };
    let (up, down) = tokio::join!(upstream, downstream);
    up.and(down)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![kind];
        out.extend_from_slice(&u32::try_from(body.len() + 4).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn simple_queries_and_executions_count_whatever_the_packet_boundaries() {
        let mut startup = 8u32.to_be_bytes().to_vec();
        startup.extend_from_slice(&196_608u32.to_be_bytes());
        let mut stream = startup;
        stream.extend(message(b'Q', b"BEGIN\0"));
        stream.extend(message(b'P', b"\0SELECT 1\0\0\0"));
        stream.extend(message(b'B', b"\0\0\0\0\0\0\0\0"));
        stream.extend(message(b'E', b"\0\0\0\0\0"));
        stream.extend(message(b'S', b""));
        stream.extend(message(b'Q', b"COMMIT\0"));
        let mut reader = Reader::default();
        let counted: u64 = stream.chunks(3).map(|chunk| reader.feed(chunk)).sum();
        assert_eq!(counted, 3, "BEGIN, the execution of SELECT 1, and COMMIT");
    }

    #[test]
    fn a_tls_request_before_the_startup_message_is_not_the_startup() {
        let mut ssl = 8u32.to_be_bytes().to_vec();
        ssl.extend_from_slice(&80_877_103u32.to_be_bytes());
        let mut startup = 8u32.to_be_bytes().to_vec();
        startup.extend_from_slice(&196_608u32.to_be_bytes());
        let mut reader = Reader::default();
        assert_eq!(reader.feed(&ssl), 0);
        assert_eq!(reader.feed(&startup), 0);
        // A query whose text starts like a length must not be mistaken for a second startup.
        assert_eq!(reader.feed(&message(b'Q', b"SELECT 1\0")), 1);
    }
}
