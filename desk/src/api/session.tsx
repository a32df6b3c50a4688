import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { setCsrfToken, setUnauthorizedHandler } from './http';
import { queryKeys } from './keys';
import {
  type Role,
  type Session,
  type SessionUser,
  createSession,
  deleteSession,
  getSession,
} from './pending';

interface SessionState {
  loading: boolean;
  user: SessionUser | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { data, isPending } = useQuery({
    queryKey: queryKeys.session,
    queryFn: async () => {
      const session = await getSession();
      setCsrfToken(session?.csrfToken ?? null);
      return session;
    },
    staleTime: Infinity,
    retry: false,
  });

  const apply = useCallback(
    (session: Session | null) => {
      setCsrfToken(session?.csrfToken ?? null);
      if (!session) {
        // Nothing of the previous user's data stays in memory.
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
      }
      queryClient.setQueryData(queryKeys.session, session);
    },
    [queryClient],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => apply(null));
    return () => setUnauthorizedHandler(null);
  }, [apply]);

  const value = useMemo<SessionState>(
    () => ({
      loading: isPending,
      user: data?.user ?? null,
      signIn: async (email, password) => apply(await createSession(email, password)),
      signOut: async () => {
        // Signed out here whatever the server answers; a failed DELETE leaves a cookie that expires.
        await deleteSession().catch(() => undefined);
        apply(null);
      },
    }),
    [apply, data, isPending],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

const RANK: Record<Role, number> = { writer: 1, editor: 2, admin: 3 };

export function hasRole(user: SessionUser | null, min: Role): boolean {
  return user !== null && RANK[user.role] >= RANK[min];
}
