import { createRouter } from "../router";
import * as handlers from "./profiles.handlers";
import * as routes from "./profiles.routes";

export const profilesRouter = createRouter()
  .openapi(routes.createProfile, handlers.createProfile)
  .openapi(routes.listProfiles, handlers.listProfiles)
  .openapi(routes.getProfile, handlers.getProfile)
  .openapi(routes.updateProfile, handlers.updateProfile)
  .openapi(routes.deleteProfile, handlers.deleteProfile)
  .openapi(routes.getProfileFieldMapping, handlers.getProfileFieldMapping)
  .openapi(routes.putProfileFieldMapping, handlers.putProfileFieldMapping);
