//! data.all's paged list shape, for any node type.

/// Declares `$name { count countExact page pages pageSize nextPage previousPage hasNext hasPrevious nodes }`
/// over a `sluice_core::page::Page` of `$node`.
macro_rules! paged {
    ($name:ident, $node:ty) => {
        pub struct $name(pub sluice_core::page::Page<$node>);

        #[async_graphql::Object]
        impl $name {
            /// Items matching the filter, over all pages.
            async fn count(&self) -> i32 {
                i32::try_from(self.0.count).unwrap_or(i32::MAX)
            }
            /// Whether `count` is every matching item. Lists that are costly to count (the
            /// share inboxes) count up to 200 items only: above that `count` is a lower bound
            /// that reaches past this page while more follow, and `countExact` is false.
            async fn count_exact(&self) -> bool {
                self.0.count_exact
            }
            /// This page's number, from 1.
            async fn page(&self) -> i32 {
                i32::try_from(self.0.page).unwrap_or(i32::MAX)
            }
            async fn pages(&self) -> i32 {
                i32::try_from(self.0.pages()).unwrap_or(i32::MAX)
            }
            /// The page size used; requests above the limit are reduced to it.
            async fn page_size(&self) -> i32 {
                i32::try_from(self.0.page_size).unwrap_or(i32::MAX)
            }
            async fn next_page(&self) -> Option<i32> {
                self.0.has_next().then(|| i32::try_from(self.0.page + 1).unwrap_or(i32::MAX))
            }
            async fn previous_page(&self) -> Option<i32> {
                self.0.has_previous().then(|| i32::try_from(self.0.page - 1).unwrap_or(i32::MAX))
            }
            async fn has_next(&self) -> bool {
                self.0.has_next()
            }
            async fn has_previous(&self) -> bool {
                self.0.has_previous()
            }
            async fn nodes(&self) -> &[$node] {
                &self.0.nodes
            }
        }
    };
}

pub(crate) use paged;
