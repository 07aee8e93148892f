//! ELBv2 listener operations. `ModifyListener` replacing the default actions is how CodeDeploy
//! shifts traffic.

use cutover_core::elbv2::listeners::{self as core_l, NewListener};
use cutover_core::elbv2::{Action, Listener};
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::actions::{check_targets, parse_actions, write_actions};
use super::load_balancers::lb_not_found;
use super::{bad_marker, err, page_size, strings, tags, Empty, FromQuery, ToXml};
use crate::page;

const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-2016-08";

pub fn listener_not_found() -> AwsError {
    err("ListenerNotFound", "One or more listeners not found")
}

fn write_listener(w: &mut XmlWriter, l: &Listener) {
    w.text_elem("ListenerArn", &l.arn);
    w.text_elem("LoadBalancerArn", &l.lb_arn);
    w.opt_value("Port", l.port);
    w.opt_text("Protocol", l.protocol.as_deref());
    if !l.certificates.is_empty() {
        w.list("Certificates", &l.certificates, |w, c| {
            w.text_elem("CertificateArn", c)
        });
    }
    w.opt_text("SslPolicy", l.ssl_policy.as_deref());
    write_actions(w, "DefaultActions", &l.default_actions);
    if !l.alpn_policy.is_empty() {
        w.str_list("AlpnPolicy", l.alpn_policy.iter().map(String::as_str));
    }
}

pub struct ListenersOutput<'a> {
    pub listeners: Vec<&'a Listener>,
    pub next_marker: Option<String>,
}

impl ToXml for ListenersOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("Listeners", &self.listeners, |w, l| write_listener(w, l));
        w.opt_text("NextMarker", self.next_marker.as_deref());
    }
}

struct ListenerSettings {
    port: Option<i32>,
    protocol: Option<String>,
    certificates: Option<Vec<String>>,
    ssl_policy: Option<String>,
    alpn_policy: Option<Vec<String>>,
}

impl ListenerSettings {
    fn parse(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let certificates = match q.struct_list("Certificates") {
            None => None,
            Some(items) => Some(
                items
                    .iter()
                    .map(|c| Ok(c.req_str("CertificateArn")?.to_owned()))
                    .collect::<Result<Vec<_>, AwsError>>()?,
            ),
        };
        Ok(ListenerSettings {
            port: q.int_in("Port", 1, 65_535)?.map(|n| n as i32),
            protocol: q
                .enum_str(
                    "Protocol",
                    &[
                        "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE", "QUIC",
                        "TCP_QUIC",
                    ],
                )?
                .map(str::to_owned),
            certificates,
            ssl_policy: q.str("SslPolicy").map(str::to_owned),
            alpn_policy: strings(q, "AlpnPolicy"),
        })
    }
}

fn check_protocol(protocol: &str, certificates: &[String]) -> Result<(), AwsError> {
    match protocol {
        "HTTP" => Ok(()),
        "HTTPS" if certificates.is_empty() => Err(AwsError::validation_error(
            "A certificate must be specified for HTTPS listeners",
        )),
        "HTTPS" => Ok(()),
        other => Err(err(
            "UnsupportedProtocol",
            format!("Protocol '{other}' is not supported by Application Load Balancers"),
        )),
    }
}

fn port_taken(s: &Scope<'_>, lb_arn: &str, port: i32, except: Option<&str>) -> bool {
    let (ls, _) = s.state.elbv2.listeners_of(lb_arn, None, usize::MAX);
    ls.iter()
        .any(|l| l.port == Some(port) && Some(l.arn.as_str()) != except)
}

pub struct CreateListenerInput {
    lb_arn: String,
    settings: ListenerSettings,
    actions: Vec<Action>,
    tags: Vec<cutover_core::ecs::Tag>,
}

impl FromQuery for CreateListenerInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(CreateListenerInput {
            lb_arn: q.req_str("LoadBalancerArn")?.to_owned(),
            settings: ListenerSettings::parse(q)?,
            actions: parse_actions(q, "DefaultActions")?,
            tags: tags(q)?,
        })
    }
}

pub struct OneListener(Listener);

impl ToXml for OneListener {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("Listeners", [&self.0], write_listener);
    }
}

pub fn create_listener(
    s: &mut Scope<'_>,
    input: CreateListenerInput,
) -> Result<OneListener, AwsError> {
    if s.state.elbv2.load_balancer_by_arn(&input.lb_arn).is_none() {
        return Err(lb_not_found());
    }
    let protocol = input.settings.protocol.unwrap_or_else(|| "HTTP".to_owned());
    let certificates = input.settings.certificates.unwrap_or_default();
    check_protocol(&protocol, &certificates)?;
    let port = input
        .settings
        .port
        .ok_or_else(|| cutover_wire::query::missing("port"))?;
    check_targets(&s.state.elbv2, &input.lb_arn, &input.actions)?;
    if port_taken(s, &input.lb_arn, port, None) {
        return Err(err(
            "DuplicateListener",
            format!("A listener already exists on port {port} of this load balancer"),
        ));
    }
    if s.state
        .elbv2
        .listeners_of(&input.lb_arn, None, usize::MAX)
        .0
        .len()
        >= 50
    {
        return Err(err(
            "TooManyListeners",
            "A load balancer can have at most 50 listeners",
        ));
    }
    let https = protocol == "HTTPS";
    let l = core_l::create_listener(
        s,
        NewListener {
            lb_arn: input.lb_arn,
            port: Some(port),
            protocol: Some(protocol),
            default_actions: input.actions,
            certificates,
            ssl_policy: if https {
                Some(
                    input
                        .settings
                        .ssl_policy
                        .unwrap_or_else(|| DEFAULT_SSL_POLICY.to_owned()),
                )
            } else {
                None
            },
            alpn_policy: input.settings.alpn_policy.unwrap_or_default(),
            tags: input.tags,
        },
    );
    Ok(OneListener(l))
}

pub struct DescribeListenersInput {
    lb_arn: Option<String>,
    arns: Option<Vec<String>>,
    marker: Option<String>,
    page_size: usize,
}

impl FromQuery for DescribeListenersInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DescribeListenersInput {
            lb_arn: q.str("LoadBalancerArn").map(str::to_owned),
            arns: strings(q, "ListenerArns").filter(|v| !v.is_empty()),
            marker: q.str("Marker").map(str::to_owned),
            page_size: page_size(q)?,
        })
    }
}

pub fn describe_listeners<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeListenersInput,
) -> Result<ListenersOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    match (input.lb_arn, input.arns) {
        (Some(_), Some(_)) => Err(AwsError::validation_error(
            "Listener ARNs and a load balancer ARN cannot be specified at the same time",
        )),
        (None, None) => Err(AwsError::validation_error(
            "You must specify either listener ARNs or a load balancer ARN",
        )),
        (None, Some(arns)) => {
            let listeners = arns
                .iter()
                .map(|a| st.listener(a).ok_or_else(listener_not_found))
                .collect::<Result<_, _>>()?;
            Ok(ListenersOutput {
                listeners,
                next_marker: None,
            })
        }
        (Some(lb), None) => {
            if st.load_balancer_by_arn(&lb).is_none() {
                return Err(lb_not_found());
            }
            let after = page::resume_after(input.marker.as_deref(), bad_marker)?;
            let (listeners, more) = st.listeners_of(&lb, after.as_deref(), input.page_size);
            Ok(ListenersOutput {
                next_marker: page::next_token(more, listeners.last().map(|l| l.arn.as_str())),
                listeners,
            })
        }
    }
}

pub struct ModifyListenerInput {
    arn: String,
    settings: ListenerSettings,
    actions: Option<Vec<Action>>,
}

impl FromQuery for ModifyListenerInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let actions = if q.has_list("DefaultActions") {
            Some(parse_actions(q, "DefaultActions")?)
        } else {
            None
        };
        Ok(ModifyListenerInput {
            arn: q.req_str("ListenerArn")?.to_owned(),
            settings: ListenerSettings::parse(q)?,
            actions,
        })
    }
}

pub fn modify_listener(
    s: &mut Scope<'_>,
    input: ModifyListenerInput,
) -> Result<OneListener, AwsError> {
    let l = s
        .state
        .elbv2
        .listener(&input.arn)
        .ok_or_else(listener_not_found)?
        .clone();
    let protocol = input
        .settings
        .protocol
        .clone()
        .or(l.protocol.clone())
        .unwrap_or_else(|| "HTTP".into());
    let certificates = input
        .settings
        .certificates
        .clone()
        .unwrap_or(l.certificates.clone());
    check_protocol(&protocol, &certificates)?;
    if let Some(port) = input.settings.port {
        if port_taken(s, &l.lb_arn, port, Some(&l.arn)) {
            return Err(err(
                "DuplicateListener",
                format!("A listener already exists on port {port} of this load balancer"),
            ));
        }
    }
    if let Some(actions) = &input.actions {
        check_targets(&s.state.elbv2, &l.lb_arn, actions)?;
    }
    if let Some(actions) = input.actions {
        core_l::set_default_actions(s, &input.arn, actions);
    }
    let https = protocol == "HTTPS";
    let l = s.state.elbv2.listener_mut(&input.arn).expect("exists");
    if let Some(p) = input.settings.port {
        l.port = Some(p);
    }
    l.protocol = Some(protocol);
    l.certificates = certificates;
    l.ssl_policy = if https {
        Some(
            input
                .settings
                .ssl_policy
                .or(l.ssl_policy.take())
                .unwrap_or_else(|| DEFAULT_SSL_POLICY.to_owned()),
        )
    } else {
        None
    };
    if let Some(a) = input.settings.alpn_policy {
        l.alpn_policy = a;
    }
    Ok(OneListener(l.clone()))
}

pub struct ListenerArnInput {
    arn: String,
}

impl FromQuery for ListenerArnInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(ListenerArnInput {
            arn: q.req_str("ListenerArn")?.to_owned(),
        })
    }
}

pub fn delete_listener(s: &mut Scope<'_>, input: ListenerArnInput) -> Result<Empty, AwsError> {
    core_l::delete_listener(s, &input.arn).ok_or_else(listener_not_found)?;
    Ok(Empty)
}
