import { useState } from 'react';
import type { User } from 'bff-auth/client';

export function displayName(user: User): string {
  return user.name || user.username || user.email || user.providerUserId;
}

function initials(name: string): string {
  const letters = name
    .split(/[\s._@-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => [...part][0]!.toUpperCase());
  return letters.join('') || '?';
}

/** The user's picture, or their initials when there is none (or it fails to load). */
export function Avatar({ user, size = 40 }: { user: User; size?: number }) {
  const [broken, setBroken] = useState(false);
  const name = displayName(user);
  const style = { width: size, height: size, fontSize: size * 0.4 };
  if (user.avatarUrl && !broken) {
    return (
      <img
        className="avatar"
        src={user.avatarUrl}
        alt={`${name}'s avatar`}
        width={size}
        height={size}
        style={style}
        referrerPolicy="no-referrer"
        onError={() => setBroken(true)}
      />
    );
  }
  return (
    <span className="avatar avatar-initials" role="img" aria-label={`${name}'s avatar`} style={style}>
      {initials(name)}
    </span>
  );
}
