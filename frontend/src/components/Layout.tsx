// The frame: a header with the navigation, the notification bell, the signed-in user, their
// groups and sign-out.
import { AppBar, Box, Button, Chip, Container, Stack, Toolbar, Typography } from "@mui/material";
import { Link as RouterLink, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../auth/AuthProvider";
import { NotificationBell } from "./NotificationBell";
import { PageBoundary } from "./PageBoundary";

const NAV = [
  { to: "/organizations", label: "Organizations" },
  { to: "/environments", label: "Environments" },
  { to: "/datasets", label: "Datasets" },
  { to: "/catalog", label: "Catalog" },
  { to: "/glossaries", label: "Glossaries" },
  { to: "/shares", label: "Shares" },
];

export function Layout() {
  const { user, isAdmin, signOut } = useAuth();
  const { pathname } = useLocation();
  const nav = isAdmin ? [...NAV, { to: "/admin", label: "Admin" }] : NAV;
  return (
    <>
      <AppBar position="static">
        {/* On a phone the links wrap onto more rows rather than widen the page. */}
        <Toolbar sx={{ gap: { xs: 1, sm: 2 }, flexWrap: "wrap", py: { xs: 1, md: 0 } }}>
          <Typography variant="h6" component={RouterLink} to="/" sx={{ color: "inherit", textDecoration: "none" }}>
            Sluice
          </Typography>
          <Box component="nav" aria-label="Main" sx={{ display: "flex", flexWrap: "wrap", gap: { xs: 0, sm: 1 }, flexGrow: 1 }}>
            {nav.map((n) => (
              <Button key={n.to} component={NavLink} to={n.to} color="inherit" sx={{ "&.active": { textDecoration: "underline" } }}>
                {n.label}
              </Button>
            ))}
          </Box>
          {user && (
            <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap data-testid="current-user">
              <NotificationBell />
              <Typography component="span" aria-label="Signed in as">
                {user.username}
              </Typography>
              {user.groups.map((g) => (
                <Chip key={g} label={g} size="small" sx={{ bgcolor: "rgba(255,255,255,0.2)", color: "inherit" }} />
              ))}
              <Button color="inherit" onClick={signOut}>
                Sign out
              </Button>
            </Stack>
          )}
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" sx={{ py: 3 }} component="main">
        <PageBoundary resetKey={pathname}>
          <Outlet />
        </PageBoundary>
      </Container>
    </>
  );
}
