// Whether the console is on a phone-sized screen, kept up to date on resize. A table column fixed at the right
// helps on a wide screen (the actions stay in view while the rest scrolls) but, on a phone, two fixed columns
// fill the whole frame and leave nothing to scroll: pages use this to fix columns only on a wide screen.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** The width below which the console lays out for a phone (the same as ConsoleLayout's folded menu). */
export const NARROW_SCREEN = 768;

/** `true` while the window is narrower than NARROW_SCREEN; listens to resizes while the component lives. */
export function useNarrowScreen(): Ref<boolean> {
  const narrow = ref(window.innerWidth < NARROW_SCREEN);
  const update = (): void => {
    narrow.value = window.innerWidth < NARROW_SCREEN;
  };
  onMounted(() => {
    update();
    window.addEventListener('resize', update);
  });
  onBeforeUnmount(() => window.removeEventListener('resize', update));
  return narrow;
}
