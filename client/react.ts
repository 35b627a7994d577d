// The client's one import site for React's hooks and react-query: the bundle then carries one import
// statement per package instead of one per file, which counts against the size budget.
export { createContext, useContext, useEffect, useMemo, useState } from 'react';
export type { ButtonHTMLAttributes, MouseEvent, ReactElement, ReactNode } from 'react';
export { QueryClient, useQuery } from '@tanstack/react-query';
export type { UseQueryOptions, UseQueryResult } from '@tanstack/react-query';
