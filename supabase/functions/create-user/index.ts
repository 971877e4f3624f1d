import { serveJson } from '../_shared/http.ts';
import { serviceClient } from '../_shared/supabase.ts';
import { createUser } from './handler.ts';

Deno.serve(serveJson(createUser({ service: serviceClient(), log: console.error })));
