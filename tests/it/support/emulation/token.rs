//! The token endpoint of an emulation in front of a `Setup::Token` registry: the challenges
//! name it as their realm, and it passes requests on to the real token server
//! ([`crate::support::token`]) after applying the registry's scope rules, then reshapes the
//! answer (fields, lifetime) as that registry's token service would.

use serde_json::Value;

use super::message::{Answer, Request, Response};
use super::rules::Behaviour;

/// Applies the scope rules to a token request (its query, or its form `body` for `POST`);
/// answers in place of the token server where the registry would refuse.
pub fn rewrite_request(rules: &[Behaviour], request: &mut Request, body: &mut Vec<u8>) -> Option<Answer> {
    if request.is("POST")
        && let Some(status) = rules.iter().find_map(|rule| match rule {
            Behaviour::OAuthPost { status } => Some(*status),
            _ => None,
        })
    {
        return Some(Response::error(status, "UNSUPPORTED", "OAuth2 token requests are not supported here"));
    }
    let form = request.is("POST");
    let text = if form { String::from_utf8_lossy(body).into_owned() } else { request.query().to_string() };
    let mut params: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
    for (name, value) in &mut params {
        if name == "scope" {
            match rewrite_scopes(rules, value) {
                Ok(scopes) => *value = scopes,
                Err(refusal) => return Some(refusal),
            }
        }
    }
    let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
    if form {
        *body = encoded.into_bytes();
        request.set_header("Content-Length", &body.len().to_string());
    } else {
        request.target = format!("{}?{encoded}", request.path());
    }
    None
}

/// The scopes (space-separated) as the registry's rules make them, or `Err` with the refusal.
fn rewrite_scopes(rules: &[Behaviour], scopes: &str) -> Result<String, Answer> {
    let mut rewritten = Vec::new();
    for scope in scopes.split(' ').filter(|scope| !scope.is_empty()) {
        rewritten.push(rewrite_scope(rules, scope)?);
    }
    Ok(rewritten.join(" "))
}

fn rewrite_scope(rules: &[Behaviour], scope: &str) -> Result<String, Answer> {
    // `TYPE:NAME:ACTIONS`; a name may hold a colon (a port), never the type or the actions.
    let Some((resource, actions)) = scope.rsplit_once(':') else { return Ok(scope.to_string()) };
    let mut actions: Vec<&str> = actions.split(',').filter(|action| !action.is_empty()).collect();
    for rule in rules {
        match rule {
            // Quay's scope pattern has no `delete`: the request does not parse (quay
            // endpoints/v2/v2auth.py, "Unable to decode repository and actions").
            Behaviour::RefuseScopeAction(refused) if actions.contains(refused) => {
                let message = format!("Unable to decode repository and actions: {scope}");
                return Err(Response::error(400, "INVALID_REQUEST", &message));
            }
            Behaviour::DropScopeActions(dropped) => actions.retain(|action| !dropped.contains(action)),
            Behaviour::PushGrantsDelete if actions.contains(&"push") && !actions.contains(&"delete") => {
                actions.push("delete");
            }
            _ => {}
        }
    }
    Ok(format!("{resource}:{}", actions.join(",")))
}

/// Reshapes a token answer's JSON as the registry's token service would.
pub fn rewrite_response(rules: &[Behaviour], response: &mut Response) {
    let Some(body) = &response.body else { return };
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else { return };
    for rule in rules {
        match rule {
            Behaviour::OnlyAccessToken => {
                let token = fields.get("access_token").or(fields.get("token")).cloned();
                fields.clear();
                if let Some(token) = token {
                    fields.insert("access_token".into(), token);
                }
            }
            Behaviour::TokenLifetime { seconds } => {
                fields.insert("expires_in".into(), (*seconds).into());
            }
            _ => {}
        }
    }
    response.body = Some(Value::Object(fields).to_string().into_bytes());
}
