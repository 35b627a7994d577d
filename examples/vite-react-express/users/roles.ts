import type { Express } from 'express';
import type { AuthBff } from 'bff-auth/bff';

export function projectRoutes(app: Express, auth: AuthBff): void {
  app.delete('/api/projects/:id', auth.requireSession(), (req, res) => {
    const roles = req.auth!.sessionData?.roles;
    if (!Array.isArray(roles) || !roles.includes('admin')) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    // ...delete the project
    res.status(204).end();
  });

  // A change later (the user upgraded): compare-and-set on the session; other tabs see clientData at their next read.
  app.post('/api/upgrade', auth.requireSession(), async (req, res) => {
    await auth.updateSession(req, res, { clientData: { plan: 'team' } });
    res.status(204).end();
  });
}
