//! `--names` with ids given by hand: the instance list read once, page after
//! page, for the names of those ids (with `--all` the names come with the
//! listing itself, see [`super::work`]).

use crate::api::{self, Api, MAX_LIST_PAGES};
use crate::error::Result;
use std::collections::HashMap;

/// Every named instance of the account, by id: the instance list read to
/// its end, one page after the other (one request for up to a hundred
/// instances). An instance the list gives no name has no entry.
pub(super) fn read_names(
    client: &Api,
    request_id: Option<&str>,
) -> Result<HashMap<String, String>> {
    let request_id = request_id
        .map(str::to_string)
        .unwrap_or_else(api::new_request_id);
    let mut names = HashMap::new();
    let (mut listed, mut total) = (0u64, 0u64);
    for number in 1..=MAX_LIST_PAGES {
        let page = api::list_page(client, &request_id, number)?;
        if number == 1 {
            api::announced_pages(page.total, &request_id)?;
            total = page.total;
        }
        if page.ids.is_empty() {
            return Ok(names);
        }
        listed += page.ids.len() as u64;
        for (id, name) in page.ids.into_iter().zip(page.names) {
            if let Some(name) = name {
                names.entry(id).or_insert(name);
            }
        }
        if listed >= total {
            return Ok(names);
        }
    }
    Err(api::listing_did_not_end(&request_id))
}
