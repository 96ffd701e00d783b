// Whether the window is phone-narrow (under 768 px, the console layout's own breakpoint), kept up to date on resize:
// the lists pages lay their description grids out in one column there instead of running off the screen.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** A ref that is true while the window is narrower than 768 px. */
export function useNarrow(): Ref<boolean> {
  const narrow = ref(false);
  const update = (): void => {
    narrow.value = window.innerWidth < 768;
  };
  onMounted(() => {
    update();
    window.addEventListener('resize', update);
  });
  onBeforeUnmount(() => window.removeEventListener('resize', update));
  return narrow;
}
