"""The browser console for HR and managers: served by popbot itself (`popbot serve` on its
one port, or `popbot web` alone). Counts and states only — never anyone's answers."""
