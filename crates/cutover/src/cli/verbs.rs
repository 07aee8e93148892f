//! The control verbs: `cutover clock [advance D | scale N | manual | real]`, `cutover continue`,
//! `cutover stop`. Each returns the line to print.

use serde_json::{json, Value};

use super::client::{Client, ClientError};
use super::snapshot::fmt_epoch;

/// Parses a virtual duration: `90s`, `5m`, `1h`, `1h30m`, `250ms`, `1.5m` or plain seconds
/// (`42`, `0.5`). Answers seconds.
pub fn parse_duration(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(n) = t.parse::<f64>() {
        return check(n, s);
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let n_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n_len == 0 {
            return Err(bad(s));
        }
        let n: f64 = rest[..n_len].parse().map_err(|_| bad(s))?;
        rest = &rest[n_len..];
        let u_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u_len] {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hrs" => 3600.0,
            "d" => 86_400.0,
            _ => return Err(bad(s)),
        };
        rest = &rest[u_len..];
        total += n * unit;
    }
    check(total, s)
}

fn bad(s: &str) -> String {
    format!("{s:?} is not a duration (examples: 90s, 5m, 1h, 1h30m, 250ms, 42)")
}

fn check(n: f64, s: &str) -> Result<f64, String> {
    if n.is_finite() && n >= 0.0 {
        Ok(n)
    } else {
        Err(bad(s))
    }
}

fn clock_text(v: &Value) -> String {
    let now = v["now"].as_f64().unwrap_or(0.0);
    format!(
        "virtual time {} ({now:.3}) · mode {} · scale {}",
        fmt_epoch(now),
        v["mode"].as_str().unwrap_or("?"),
        v["scale"].as_f64().unwrap_or(0.0)
    )
}

/// `cutover clock`.
pub async fn clock_show(c: &Client) -> Result<String, ClientError> {
    Ok(clock_text(&c.clock().await?))
}

/// `cutover clock advance D`.
pub async fn clock_advance(c: &Client, seconds: f64) -> Result<String, ClientError> {
    let v = c.advance(seconds).await?;
    Ok(format!(
        "advanced {seconds}s, {} event(s) fired: {}",
        v["fired"].as_u64().unwrap_or(0),
        clock_text(&v)
    ))
}

/// `cutover clock scale N` (real mode, N virtual seconds per real second).
pub async fn clock_scale(c: &Client, scale: f64) -> Result<String, ClientError> {
    let v = c
        .control(
            reqwest::Method::PUT,
            "clock",
            Some(json!({"mode": "real", "scale": scale})),
        )
        .await?;
    Ok(clock_text(&v))
}

/// `cutover clock manual` / `cutover clock real`.
pub async fn clock_mode(c: &Client, mode: &str) -> Result<String, ClientError> {
    let v = c
        .control(reqwest::Method::PUT, "clock", Some(json!({"mode": mode})))
        .await?;
    Ok(clock_text(&v))
}

async fn id_or_latest(c: &Client, id: Option<String>) -> Result<String, ClientError> {
    match id {
        Some(i) => Ok(i),
        None => c.latest_deployment().await,
    }
}

/// `cutover continue [ID] [--termination-wait]` (ContinueDeployment).
pub async fn continue_deployment(
    c: &Client,
    id: Option<String>,
    termination_wait: bool,
) -> Result<String, ClientError> {
    let id = id_or_latest(c, id).await?;
    let wait = if termination_wait {
        "TERMINATION_WAIT"
    } else {
        "READY_WAIT"
    };
    c.codedeploy(
        "ContinueDeployment",
        json!({"deploymentId": id, "deploymentWaitType": wait}),
    )
    .await?;
    Ok(if termination_wait {
        format!("{id}: termination wait skipped; the original task set is terminated")
    } else {
        format!("{id}: continued; traffic is being rerouted")
    })
}

/// `cutover stop [ID] [--rollback]` (StopDeployment).
pub async fn stop(c: &Client, id: Option<String>, rollback: bool) -> Result<String, ClientError> {
    let id = id_or_latest(c, id).await?;
    let v = c
        .codedeploy(
            "StopDeployment",
            json!({"deploymentId": id, "autoRollbackEnabled": rollback}),
        )
        .await?;
    let mut out = format!("{id}: {}", v["status"].as_str().unwrap_or("?"));
    if let Some(m) = v["statusMessage"].as_str() {
        out.push_str(&format!(" ({m})"));
    }
    if rollback {
        let d = c
            .codedeploy("GetDeployment", json!({"deploymentId": id}))
            .await?;
        if let Some(rb) = d["deploymentInfo"]["rollbackInfo"]["rollbackDeploymentId"].as_str() {
            out.push_str(&format!("; rolled back by {rb}"));
        }
    }
    Ok(out)
}

/// `cutover health`: the server's health document, or an error when it does not answer "ok".
pub async fn health(c: &Client) -> Result<String, ClientError> {
    let v = c.control(reqwest::Method::GET, "health", None).await?;
    if v["status"] != "ok" {
        return Err(ClientError {
            code: "Unhealthy".into(),
            message: v.to_string(),
        });
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(90.0));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert_eq!(parse_duration("1h"), Ok(3600.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("2m30s"), Ok(150.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert_eq!(parse_duration("1.5m"), Ok(90.0));
        assert_eq!(parse_duration("42"), Ok(42.0));
        assert_eq!(parse_duration(" 0.5 "), Ok(0.5));
        assert_eq!(parse_duration("1d"), Ok(86_400.0));
        for bad in ["", "m", "5x", "-5", "5m-", "abc", "1..5s", "inf", "NaN"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
