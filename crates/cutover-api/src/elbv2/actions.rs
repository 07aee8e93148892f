//! Listener and rule actions and rule conditions: parsing from awsQuery, validation against the
//! state, and AWS's canonical rendering — every forward action is described with a
//! `ForwardConfig`; a single-group forward also carries `TargetGroupArn` (weight 1 unless given).

use cutover_core::elbv2::{Action, ActionKind, Condition, Elbv2State, WeightedGroup};
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::err;

const ACTION_TYPES: &[&str] = &[
    "forward",
    "authenticate-oidc",
    "authenticate-cognito",
    "redirect",
    "fixed-response",
    "jwt-validation",
];

const CONTENT_TYPES: &[&str] = &[
    "text/plain",
    "text/css",
    "text/html",
    "application/javascript",
    "application/json",
];

fn parse_action(a: &QueryView<'_>) -> Result<Action, AwsError> {
    let ty = a
        .enum_str("Type", ACTION_TYPES)?
        .ok_or_else(|| cutover_wire::query::missing(&a.path("Type")))?;
    let order = a.int_in("Order", 1, 50_000)?.map(|n| n as i32);
    let kind = match ty {
        "forward" => {
            let single = a.str("TargetGroupArn").filter(|s| !s.is_empty());
            let fc = a.nested("ForwardConfig");
            let mut groups: Vec<WeightedGroup> = Vec::new();
            let mut stickiness_enabled = false;
            let mut stickiness_duration = None;
            if let Some(fc) = &fc {
                for g in fc.struct_list("TargetGroups").unwrap_or_default() {
                    let arn = g.req_str("TargetGroupArn")?;
                    let weight = g.int_in("Weight", 0, 999)?;
                    groups.push(WeightedGroup {
                        arn: arn.to_owned(),
                        weight: weight.map_or(1, |w| w as i32),
                    });
                }
                if let Some(st) = fc.nested("TargetGroupStickinessConfig") {
                    stickiness_enabled = st.bool("Enabled")?.unwrap_or(false);
                    stickiness_duration = st.int_in("DurationSeconds", 1, 604_800)?.map(|n| n as i32);
                    if stickiness_enabled && stickiness_duration.is_none() {
                        return Err(AwsError::validation_error(
                            "The stickiness duration must be specified when target group stickiness is enabled",
                        ));
                    }
                }
            }
            match (single, groups.is_empty()) {
                (None, true) => {
                    return Err(AwsError::validation_error(
                        "A forward action must specify a target group ARN or a forward config with at least one target group",
                    ))
                }
                (Some(arn), true) => groups.push(WeightedGroup {
                    arn: arn.to_owned(),
                    weight: 1,
                }),
                (Some(arn), false) => {
                    if groups.len() != 1 || groups[0].arn != arn {
                        return Err(AwsError::validation_error(
                            "You cannot specify a target group ARN together with a forward config that names other target groups",
                        ));
                    }
                }
                (None, false) => {}
            }
            if groups.len() > 5 {
                return Err(AwsError::validation_error(format!(
                    "1 validation error detected: Value with {} elements at '{}' failed to satisfy constraint: Member must have length less than or equal to 5",
                    groups.len(),
                    a.path("ForwardConfig.TargetGroups")
                )));
            }
            for (i, g) in groups.iter().enumerate() {
                if groups[..i].iter().any(|o| o.arn == g.arn) {
                    return Err(err(
                        "InvalidLoadBalancerAction",
                        format!("Target group '{}' is specified more than once in the forward action", g.arn),
                    ));
                }
            }
            ActionKind::Forward {
                groups,
                stickiness_enabled,
                stickiness_duration,
            }
        }
        "fixed-response" => {
            let c = a.nested("FixedResponseConfig").ok_or_else(|| {
                AwsError::validation_error("A fixed-response action must specify FixedResponseConfig")
            })?;
            let status = c.req_str("StatusCode")?;
            let b = status.as_bytes();
            if !(b.len() == 3 && matches!(b[0], b'2' | b'4' | b'5') && b[1..].iter().all(u8::is_ascii_digit)) {
                return Err(AwsError::validation_error(format!(
                    "1 validation error detected: Value '{status}' at '{}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$",
                    c.path("StatusCode")
                )));
            }
            let body = c.str("MessageBody");
            if body.is_some_and(|b| b.len() > 1024) {
                return Err(AwsError::validation_error("The fixed-response message body can be at most 1024 characters"));
            }
            ActionKind::FixedResponse {
                status_code: status.to_owned(),
                content_type: c.enum_str("ContentType", CONTENT_TYPES)?.map(str::to_owned),
                message_body: body.map(str::to_owned),
            }
        }
        "redirect" => {
            let c = a.nested("RedirectConfig").ok_or_else(|| {
                AwsError::validation_error("A redirect action must specify RedirectConfig")
            })?;
            let status = c
                .enum_str("StatusCode", &["HTTP_301", "HTTP_302"])?
                .ok_or_else(|| cutover_wire::query::missing(&c.path("StatusCode")))?;
            let own = |k: &str| c.str(k).map(str::to_owned);
            ActionKind::Redirect {
                protocol: Some(own("Protocol").unwrap_or_else(|| "#{protocol}".into())),
                port: Some(own("Port").unwrap_or_else(|| "#{port}".into())),
                host: Some(own("Host").unwrap_or_else(|| "#{host}".into())),
                path: Some(own("Path").unwrap_or_else(|| "/#{path}".into())),
                query: Some(own("Query").unwrap_or_else(|| "#{query}".into())),
                status_code: status.to_owned(),
            }
        }
        other => {
            return Err(err(
                "InvalidLoadBalancerAction",
                format!("The action type '{other}' requires an HTTPS listener with an identity provider, which this emulator does not model"),
            ))
        }
    };
    Ok(Action { kind, order })
}

/// Parses `name.member.N` actions: at least one, exactly one terminal action.
pub fn parse_actions(q: &QueryView<'_>, name: &str) -> Result<Vec<Action>, AwsError> {
    let items = q
        .struct_list(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| cutover_wire::query::missing(&q.path(name)))?;
    let actions = items
        .iter()
        .map(parse_action)
        .collect::<Result<Vec<_>, _>>()?;
    if actions.len() > 1 {
        return Err(err(
            "InvalidLoadBalancerAction",
            "Only one terminal action (forward, redirect or fixed-response) can be specified",
        ));
    }
    Ok(actions)
}

/// Checks that every target group an action forwards to exists, can serve an Application Load
/// Balancer, and is not already used by another load balancer.
pub fn check_targets(st: &Elbv2State, lb_arn: &str, actions: &[Action]) -> Result<(), AwsError> {
    for arn in actions.iter().flat_map(|a| a.target_group_arns()) {
        let tg = st.target_group_by_arn(arn).ok_or_else(|| {
            err(
                "TargetGroupNotFound",
                format!("Target group '{arn}' not found"),
            )
        })?;
        if !matches!(tg.protocol.as_deref(), Some("HTTP") | Some("HTTPS") | None) {
            return Err(err(
                "IncompatibleProtocols",
                format!("The target group '{arn}' uses protocol {} which an Application Load Balancer cannot forward to", tg.protocol.as_deref().unwrap_or("")),
            ));
        }
        if tg.load_balancer_arns().any(|l| l != lb_arn) {
            return Err(err(
                "TargetGroupAssociationLimit",
                format!("The following target groups cannot be associated with more than one load balancer: {arn}"),
            ));
        }
    }
    Ok(())
}

/// Renders `<tag><member>action</member>...</tag>` in AWS's canonical form.
pub fn write_actions(w: &mut XmlWriter, tag: &str, actions: &[Action]) {
    w.list(tag, actions, |w, a| {
        w.text_elem("Type", a.type_name());
        match &a.kind {
            ActionKind::Forward {
                groups,
                stickiness_enabled,
                stickiness_duration,
            } => {
                if let [only] = groups.as_slice() {
                    w.text_elem("TargetGroupArn", &only.arn);
                }
                w.open("ForwardConfig");
                w.list("TargetGroups", groups, |w, g| {
                    w.text_elem("TargetGroupArn", &g.arn);
                    w.value_elem("Weight", g.weight);
                });
                w.open("TargetGroupStickinessConfig");
                w.value_elem("Enabled", stickiness_enabled);
                w.opt_value("DurationSeconds", *stickiness_duration);
                w.close("TargetGroupStickinessConfig");
                w.close("ForwardConfig");
            }
            ActionKind::Redirect {
                protocol,
                port,
                host,
                path,
                query,
                status_code,
            } => {
                w.open("RedirectConfig");
                w.opt_text("Protocol", protocol.as_deref());
                w.opt_text("Port", port.as_deref());
                w.opt_text("Host", host.as_deref());
                w.opt_text("Path", path.as_deref());
                w.opt_text("Query", query.as_deref());
                w.text_elem("StatusCode", status_code);
                w.close("RedirectConfig");
            }
            ActionKind::FixedResponse {
                status_code,
                content_type,
                message_body,
            } => {
                w.open("FixedResponseConfig");
                w.opt_text("MessageBody", message_body.as_deref());
                w.text_elem("StatusCode", status_code);
                w.opt_text("ContentType", content_type.as_deref());
                w.close("FixedResponseConfig");
            }
        }
        w.opt_value("Order", a.order);
    });
}

const CONDITION_FIELDS: &[&str] = &[
    "http-header",
    "http-request-method",
    "host-header",
    "path-pattern",
    "query-string",
    "source-ip",
];

fn config_name(field: &str) -> &'static str {
    match field {
        "http-header" => "HttpHeaderConfig",
        "http-request-method" => "HttpRequestMethodConfig",
        "host-header" => "HostHeaderConfig",
        "path-pattern" => "PathPatternConfig",
        "query-string" => "QueryStringConfig",
        _ => "SourceIpConfig",
    }
}

/// Parses rule conditions (`Conditions.member.N`), at least one.
pub fn parse_conditions(q: &QueryView<'_>) -> Result<Vec<Condition>, AwsError> {
    let items = q
        .struct_list("Conditions")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| cutover_wire::query::missing(&q.path("Conditions")))?;
    let mut out = Vec::with_capacity(items.len());
    for c in items {
        let field = c
            .enum_str("Field", CONDITION_FIELDS)?
            .ok_or_else(|| cutover_wire::query::missing(&c.path("Field")))?;
        let cfg = c.nested(config_name(field));
        let mut values: Vec<String> = c
            .str_list("Values")
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut header = None;
        let mut query = Vec::new();
        if let Some(cfg) = &cfg {
            if field == "query-string" {
                for kv in cfg.struct_list("Values").unwrap_or_default() {
                    query.push((
                        kv.str("Key").map(str::to_owned),
                        kv.req_str("Value")?.to_owned(),
                    ));
                }
            } else {
                values.extend(
                    cfg.str_list("Values")
                        .unwrap_or_default()
                        .into_iter()
                        .map(str::to_owned),
                );
            }
            if field == "http-header" {
                header = Some(cfg.req_str("HttpHeaderName")?.to_owned());
            }
        }
        if values.is_empty() && query.is_empty() {
            return Err(AwsError::validation_error(format!(
                "A condition with field '{field}' must specify at least one value"
            )));
        }
        if field == "http-header" && header.is_none() {
            return Err(AwsError::validation_error(
                "An http-header condition must specify HttpHeaderConfig.HttpHeaderName",
            ));
        }
        out.push(Condition {
            field: field.to_owned(),
            values,
            http_header_name: header,
            query,
        });
    }
    Ok(out)
}

pub fn write_conditions(w: &mut XmlWriter, conditions: &[Condition]) {
    w.list("Conditions", conditions, |w, c| {
        w.text_elem("Field", &c.field);
        let cfg = config_name(&c.field);
        if matches!(c.field.as_str(), "path-pattern" | "host-header") {
            w.str_list("Values", c.values.iter().map(String::as_str));
        }
        w.open(cfg);
        match c.field.as_str() {
            "query-string" => w.list("Values", &c.query, |w, (k, v)| {
                w.opt_text("Key", k.as_deref());
                w.text_elem("Value", v);
            }),
            "http-header" => {
                w.opt_text("HttpHeaderName", c.http_header_name.as_deref());
                w.str_list("Values", c.values.iter().map(String::as_str));
            }
            _ => w.str_list("Values", c.values.iter().map(String::as_str)),
        }
        w.close(cfg);
    });
}
