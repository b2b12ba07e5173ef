// A data item's glossary terms as chips. A link made by someone outside the glossary's team is
// pending until that team approves it: its chip is dashed and says so, so nobody mistakes a
// proposal for the owners' word.
import { Box, Chip, Typography } from "@mui/material";

export interface TermLink {
  linkUri?: string | null;
  approvedByOwner: boolean;
  term: { nodeUri: string; label: string };
}

export function TermChips({ links, label }: { links: TermLink[]; label: string }) {
  if (!links.length) {
    return <Typography component="span" variant="body2" color="text.secondary">No terms</Typography>;
  }
  return (
    <Box component="ul" aria-label={label} sx={{ display: "flex", flexWrap: "wrap", gap: 0.5, listStyle: "none", p: 0, m: 0 }}>
      {links.map((l) => (
        <li key={l.linkUri ?? l.term.nodeUri}>
          {l.approvedByOwner ? (
            <Chip size="small" color="primary" variant="outlined" label={l.term.label} data-testid="term-chip" />
          ) : (
            <Chip size="small" variant="outlined" label={`${l.term.label} · pending approval`} data-testid="term-chip"
              title="The glossary's team has not approved this link yet." sx={{ borderStyle: "dashed", color: "text.secondary" }} />
          )}
        </li>
      ))}
    </Box>
  );
}
