//! The load client: hyper 1 HTTP/1.1, one keep-alive connection per worker, per-request latency,
//! runs bounded by a request count and a wall-clock limit.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::wire::WireRequest;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One keep-alive HTTP/1.1 connection; reconnects if the server closed it.
pub struct Conn {
    addr: SocketAddr,
    host: String,
    sender: SendRequest<Full<Bytes>>,
}

async fn handshake(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, BoxError> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> Result<Conn, BoxError> {
        Ok(Conn {
            addr,
            host: addr.to_string(),
            sender: handshake(addr).await?,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// Sends a prepared request and reads the whole answer.
    pub async fn send_http(
        &mut self,
        req: http::Request<Full<Bytes>>,
    ) -> Result<(u16, Bytes), BoxError> {
        if self.sender.is_closed() || self.sender.ready().await.is_err() {
            self.sender = handshake(self.addr).await?;
        }
        let resp = self.sender.send_request(req).await?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }

    pub async fn send(&mut self, req: &WireRequest) -> Result<(u16, Bytes), BoxError> {
        let r = req.to_http(&self.host);
        self.send_http(r).await
    }

    /// A control-API call (`/_cutover/...`) or any other plain request.
    pub async fn plain(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
    ) -> Result<(u16, Bytes), BoxError> {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, self.host.as_str())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))?;
        self.send_http(req).await
    }
}

/// What a bounded load run did.
#[derive(Debug, Clone, Default)]
pub struct LoadResult {
    pub concurrency: usize,
    pub requests: usize,
    /// Answers with a status other than 200.
    pub non_200: usize,
    /// Transport failures (no answer).
    pub transport_errors: usize,
    pub elapsed: Duration,
    /// Latency of every answered request, µs, sorted.
    pub latencies_us: Vec<u32>,
    /// The first non-200 answer, for diagnosis.
    pub first_failure: Option<String>,
}

impl LoadResult {
    pub fn rps(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.requests as f64 / s
        } else {
            0.0
        }
    }

    /// Nearest-rank percentile in µs (`q` in 0..=1).
    pub fn percentile_us(&self, q: f64) -> u32 {
        percentile(&self.latencies_us, q)
    }
}

/// Nearest-rank percentile of a sorted slice.
pub fn percentile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Produces the request for a global request index.
pub type Generator = Arc<dyn Fn(usize) -> WireRequest + Send + Sync>;

/// Runs `total` requests (or until `max` has passed) with `concurrency` workers, each on its own
/// keep-alive connection. Requests are numbered globally; worker `w` sends whichever index comes
/// next.
pub async fn run_load(
    addr: SocketAddr,
    concurrency: usize,
    total: usize,
    max: Duration,
    make: Generator,
) -> Result<LoadResult, BoxError> {
    let concurrency = concurrency.max(1);
    // Connect every worker first, so the run measures requests, not handshakes.
    let mut conns = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        conns.push(Conn::connect(addr).await?);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + max;
    let mut tasks = Vec::with_capacity(concurrency);
    for mut conn in conns {
        let next = next.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(total / concurrency + 1);
            let mut non_200 = 0usize;
            let mut transport = 0usize;
            let mut first_failure = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    break;
                }
                let req = make(i);
                let http_req = req.to_http(conn.host());
                let t0 = Instant::now();
                match conn.send_http(http_req).await {
                    Ok((status, body)) => {
                        lat.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        if status != 200 {
                            non_200 += 1;
                            if first_failure.is_none() {
                                first_failure = Some(format!(
                                    "{status}: {}",
                                    String::from_utf8_lossy(&body[..body.len().min(300)])
                                ));
                            }
                        }
                    }
                    Err(e) => {
                        transport += 1;
                        if first_failure.is_none() {
                            first_failure = Some(format!("transport: {e}"));
                        }
                    }
                }
            }
            (lat, non_200, transport, first_failure)
        }));
    }
    let mut result = LoadResult {
        concurrency,
        ..LoadResult::default()
    };
    for t in tasks {
        let (lat, non_200, transport, ff) = t.await?;
        result.requests += lat.len() + transport;
        result.non_200 += non_200;
        result.transport_errors += transport;
        result.latencies_us.extend(lat);
        if result.first_failure.is_none() {
            result.first_failure = ff;
        }
    }
    result.elapsed = start.elapsed();
    result.latencies_us.sort_unstable();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
