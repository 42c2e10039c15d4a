//! A small HTTP/1.1 client for the load benchmarks: one keep-alive connection per simulated
//! user, the request written as bytes, the response read by its length. The load generator
//! shares the machine's two cores with the server, so what it spends per request is taken
//! from the server: a general-purpose client (reqwest) cost about as much per request as the
//! server's own work on an answer save.

use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One connection to the server, reopened when the server closed it.
pub struct HttpConn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

/// A response: its status and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl HttpConn {
    pub fn new(addr: SocketAddr) -> HttpConn {
        HttpConn {
            addr,
            stream: None,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Sends a request with these extra header lines (each ending in `\r\n`) and a JSON body.
    /// A request on a kept-alive connection that the server had closed is sent again once on a
    /// new connection.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: Option<&str>,
    ) -> io::Result<Reply> {
        let mut request = format!("{method} {path} HTTP/1.1\r\nhost: bench\r\n{headers}");
        if let Some(body) = body {
            request.push_str(&format!(
                "content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            request.push_str("content-length: 0\r\n\r\n");
        }
        let reused = self.stream.is_some();
        match self.exchange(request.as_bytes()).await {
            Err(_) if reused => {
                self.stream = None;
                self.exchange(request.as_bytes()).await
            }
            other => other,
        }
    }

    async fn exchange(&mut self, request: &[u8]) -> io::Result<Reply> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
        }
        let result = self.round_trip(request).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn round_trip(&mut self, request: &[u8]) -> io::Result<Reply> {
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| io::Error::other("not connected"))?;
        stream.write_all(request).await?;
        self.buf.clear();
        let head_end = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                break end + 4;
            }
            read_more(stream, &mut self.buf).await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end])
            .map_err(|_| io::Error::other("a response head that is not UTF-8"))?;
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other("no status in the response"))?;
        let mut length = None;
        let mut close = false;
        for line in head.split("\r\n").skip(1) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.eq_ignore_ascii_case("chunked")
            {
                return Err(io::Error::other(
                    "a chunked response: this client reads only responses with a length",
                ));
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
            {
                close = true;
            }
        }
        let length = length.unwrap_or(0);
        while self.buf.len() < head_end + length {
            read_more(stream, &mut self.buf).await?;
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        if close {
            self.stream = None;
        }
        Ok(Reply { status, body })
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The server as its own process on a free port, on `database_url`, answering once ready;
/// killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub addr: SocketAddr,
}

impl ServerProcess {
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> anyhow::Result<ServerProcess> {
        use anyhow::Context;
        let port = crate::bench_exam::free_port()?;
        let mut command = std::process::Command::new(std::env::current_exe()?);
        command
            .arg("serve")
            .env("GONGJIANG_DATABASE_URL", database_url)
            .env("GONGJIANG_PORT", port.to_string())
            .env("GONGJIANG_BIND", "127.0.0.1")
            .env("GONGJIANG_LOG", "warn")
            .env_remove("GONGJIANG_CONFIG");
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().context("cannot start the server")?;
        let server = ServerProcess {
            child,
            addr: ([127, 0, 0, 1], port).into(),
        };
        for _ in 0..200 {
            let ready = HttpConn::new(server.addr)
                .send("GET", "/readyz", "", None)
                .await
                .is_ok_and(|r| r.status == 200);
            if ready {
                return Ok(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("the server did not start")
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in session for `user`, as the header lines a browser's requests carry (the
/// session cookie and the CSRF token).
pub async fn session_headers(
    conn: &mut gongjiang_db::Conn,
    user: i64,
    now: i64,
) -> anyhow::Result<String> {
    let token = gongjiang_app::auth::random_token("s");
    let csrf = gongjiang_app::auth::random_token("c");
    gongjiang_db::sessions::insert(
        conn,
        gongjiang_db::sessions::NewSession {
            token_hash: &gongjiang_app::auth::token_hash(&token),
            user_id: user,
            csrf_token: &csrf,
            expires_at: now + 24 * 3_600_000,
            origin: "bench",
            user_agent: "bench",
        },
        now,
    )
    .await?;
    Ok(format!(
        "cookie: gj_session={token}\r\nx-csrf-token: {csrf}\r\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_responses_by_length_on_one_connection_and_reconnects_after_close() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            // First connection: two requests, then the server closes it.
            for replies in [2, 1] {
                let (mut s, _) = listener.accept().await.unwrap();
                for n in 0..replies {
                    let mut got = Vec::new();
                    while find(&got, b"\r\n\r\n").is_none() {
                        let mut b = [0u8; 1024];
                        let k = s.read(&mut b).await.unwrap();
                        got.extend_from_slice(&b[..k]);
                    }
                    let body = format!("{{\"n\":{n}}}");
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    s.write_all(reply.as_bytes()).await.unwrap();
                }
            }
        });
        let mut conn = HttpConn::new(addr);
        for expected in ["{\"n\":0}", "{\"n\":1}", "{\"n\":0}"] {
            let reply = conn.send("GET", "/", "", None).await.unwrap();
            assert_eq!(reply.status, 200);
            assert_eq!(reply.body, expected.as_bytes());
        }
    }
}
