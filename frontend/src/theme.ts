// The look: colours that read at WCAG AA contrast, and what the keyboard needs: a focus ring on whatever has keyboard focus
// (`:focus-visible`, so a mouse click shows none), in white on the dark header, where MUI shows
// only a ripple; text fields keep their own focused border instead. And the "Skip to content"
// link, out of sight until the Tab key reaches it.
import { createTheme } from "@mui/material";

const PRIMARY = "#1f5f8b";

const ring = { outline: `3px solid ${PRIMARY}`, outlineOffset: 2 } as const;

export const theme = createTheme({
  palette: {
    primary: { main: PRIMARY },
    // MUI's info (#0288d1) and warning (#ed6c02) read at 3.9:1 and 3.1:1 on white, under WCAG
    // AA's 4.5:1 for text such as a status chip's: these darker shades read at 7.4:1 and 5:1
    // (and stay above 4.5:1 on a tinted row, such as an unread notification's).
    info: { main: "#01579b" },
    warning: { main: "#b45309" },
  },
  components: {
    MuiCssBaseline: {
      styleOverrides: {
        ":focus-visible, .Mui-focusVisible": ring,
        // MUI's buttons reset `outline` in a class of their own: two classes outrank it.
        ".MuiButtonBase-root.Mui-focusVisible, .MuiButtonBase-root:focus-visible": ring,
        ".MuiAppBar-root :focus-visible, .MuiAppBar-root .MuiButtonBase-root.Mui-focusVisible": { outlineColor: "#fff" },
        // A text field shows focus with its thicker, coloured border; an outline inside it is noise.
        ".MuiInputBase-input:focus-visible": { outline: "none" },
        // The page's main part takes focus after "Skip to content": a ring round all of it says nothing.
        "main:focus-visible": { outline: "none" },
        ".skip-link": {
          position: "absolute",
          left: 8,
          top: -200,
          zIndex: 2000,
          padding: "8px 16px",
          background: "#fff",
          color: PRIMARY,
          fontWeight: 500,
          borderRadius: 4,
          boxShadow: "0 2px 6px rgba(0,0,0,0.3)",
        },
        ".skip-link:focus": { top: 8 },
      },
    },
    // The ring says where focus is; the pulsing ripple MUI adds on focus is no longer needed.
    MuiButton: { defaultProps: { disableFocusRipple: true } },
    MuiIconButton: { defaultProps: { disableFocusRipple: true } },
    MuiTab: { defaultProps: { disableFocusRipple: true } },
    MuiToggleButton: { defaultProps: { disableFocusRipple: true } },
  },
});
