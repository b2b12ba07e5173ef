// The frame: a "Skip to content" link, a header with the navigation, the notification bell, the
// signed-in user, their groups and sign-out, and the page. Below the `lg` breakpoint (a phone, a tablet, a narrow window), where
// they would wrap onto rows of their own or widen the page, the navigation and the user's part
// fold behind a menu button and the header is one row.
import { AppBar, Box, Button, Chip, Container, IconButton, Stack, SvgIcon, Toolbar, Typography } from "@mui/material";
import { useEffect, useRef, useState } from "react";
import { Link as RouterLink, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../auth/AuthProvider";
import { NotificationBell } from "./NotificationBell";
import { Notices } from "./Notices";
import { PageBoundary } from "./PageBoundary";

const NAV = [
  { to: "/my-data", label: "My data" },
  { to: "/organizations", label: "Organizations" },
  { to: "/environments", label: "Environments" },
  { to: "/datasets", label: "Datasets" },
  { to: "/catalog", label: "Catalog" },
  { to: "/glossaries", label: "Glossaries" },
  { to: "/shares", label: "Shares" },
  { to: "/activity", label: "Activity" },
];

const NAV_ID = "site-nav";
const USER_ID = "site-user";

function MenuIcon({ open }: { open: boolean }) {
  return (
    <SvgIcon aria-hidden>
      {open ? (
        <path d="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z" />
      ) : (
        <path d="M3 18h18v-2H3zm0-5h18v-2H3zm0-7v2h18V6z" />
      )}
    </SvgIcon>
  );
}

/** The menu's state. Opening it moves focus to its first link; Escape closes it and gives focus
 * back to the button; going to another page closes it, and focus, which was on a link now hidden,
 * goes back to the button too. */
function useMenu() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const wasOpen = useRef(open);
  wasOpen.current = open;
  useEffect(() => {
    if (!wasOpen.current) return;
    if (nav.current?.parentElement?.contains(document.activeElement)) button.current?.focus();
    setOpen(false);
  }, [pathname]);
  useEffect(() => {
    if (!open) return;
    nav.current?.querySelector<HTMLElement>("a")?.focus();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);
  return { open, toggle: () => setOpen((o) => !o), button, nav };
}

/** Folded below `lg`: shown when the menu is open, as full-width rows under the header's bar. */
const folded = (open: boolean, order: number) =>
  ({
    display: { xs: open ? "flex" : "none", lg: "flex" },
    order: { xs: order, lg: 0 },
    flexBasis: { xs: "100%", lg: "auto" },
    flexDirection: { xs: "column", lg: "row" },
    alignItems: { xs: "stretch", lg: "center" },
  }) as const;

export function Layout() {
  const { user, isAdmin, signOut } = useAuth();
  const { pathname } = useLocation();
  const menu = useMenu();
  const main = useRef<HTMLElement>(null);
  const nav = isAdmin ? [...NAV, { to: "/admin", label: "Admin" }] : NAV;
  return (
    <>
      {/* The first stop of the Tab key: past the header's links, straight to the page. */}
      <a href="#main" className="skip-link"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}>
        Skip to content
      </a>
      <AppBar position="static" component="header">
        <Toolbar sx={{ gap: { xs: 1, lg: 2 }, flexWrap: "wrap", py: { xs: 0.5, lg: 0 } }}>
          <IconButton ref={menu.button} color="inherit" edge="start" sx={{ display: { lg: "none" } }}
            aria-label="Menu" aria-expanded={menu.open} aria-controls={`${NAV_ID} ${USER_ID}`} onClick={menu.toggle}>
            <MenuIcon open={menu.open} />
          </IconButton>
          <Typography variant="h6" component={RouterLink} to="/" sx={{ color: "inherit", textDecoration: "none", flexGrow: { xs: 1, lg: 0 } }}>
            Sluice
          </Typography>
          <Box component="nav" id={NAV_ID} ref={menu.nav} aria-label="Main" sx={{ ...folded(menu.open, 3), flexGrow: 1, gap: { xs: 0, lg: 1 }, flexWrap: "wrap" }}>
            {nav.map((n) => (
              <Button key={n.to} component={NavLink} to={n.to} color="inherit"
                sx={{ justifyContent: { xs: "flex-start", lg: "center" }, "&.active": { textDecoration: "underline" } }}>
                {n.label}
              </Button>
            ))}
          </Box>
          {user && <NotificationBell />}
          {user && (
            <Stack id={USER_ID} data-testid="current-user" useFlexGap
              sx={{ ...folded(menu.open, 4), gap: 1, flexWrap: "wrap", pb: { xs: menu.open ? 1 : 0, lg: 0 },
                borderTop: { xs: "1px solid rgba(255,255,255,0.3)", lg: "none" }, pt: { xs: 1, lg: 0 } }}>
              <Typography component="span" aria-label="Signed in as">
                {user.username}
              </Typography>
              <Stack direction="row" useFlexGap sx={{ gap: 1, flexWrap: "wrap" }}>
                {user.groups.map((g) => (
                  <Chip key={g} label={g} size="small" variant="outlined" sx={{ borderColor: "rgba(255,255,255,0.7)", color: "inherit", maxWidth: "100%" }} />
                ))}
              </Stack>
              <Button color="inherit" onClick={signOut} sx={{ alignSelf: { xs: "flex-start", lg: "auto" } }}>
                Sign out
              </Button>
            </Stack>
          )}
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" sx={{ py: 3 }} component="main" id="main" ref={main} tabIndex={-1}>
        <PageBoundary resetKey={pathname}>
          <Outlet />
        </PageBoundary>
      </Container>
      <Notices />
    </>
  );
}
