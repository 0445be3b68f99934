// The page's state: the last live state from the controller and what the user chose (VRF, picture, filters), shared
// by the panels.

export const FRESH_MS = 6000;

export const view = {
  user: "",
  state: undefined,
  changes: [],
  source: undefined,
  vrf: undefined,
  pictureOf: "all",
  routeKind: "all",
  routeQuery: "",
  serverQuery: "",
  fresh: new Map(),
  vsViews: new Map(),
  poolViews: new Map(),
  routeList: undefined,
  firstPaint: false,
};

export const serverKey = (pool, s) => `${pool}/${s.ip}:${s.port}`;

export function selectedVrf() {
  return view.state.vrfs.find((v) => v.uuid === view.vrf);
}
