export function DockerPage() {
  return null;
}
export function ContainersWidget() {
  return null;
}
export function DockerSourcesSection() {
  return null;
}
