/** The padlock of the brand mark and the sign-in-required card. */
export function LockIcon() {
  return (
    <svg viewBox="0 0 32 32" focusable="false">
      <path d="M11 14v-3a5 5 0 0 1 10 0v3" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <rect x="8" y="14" width="16" height="11" rx="2.5" fill="currentColor" />
    </svg>
  );
}
