// The Class-balance charts' colours. Plot itself is loaded and drawn through the app's one loader
// and draw queue (src/lib/plot.ts), shared with the Train tab.
export { drawInto, type PlotModule } from '../../plot';

/** Class colours shared by the bars and the scatter, so a class has one colour everywhere. */
export const CLASS_SCHEME = 'tableau10';
/** Before / after bars: muted before, the accent after. */
export const BEFORE_AFTER_COLOURS = ['#a9b4c2', '#2f6db3'];
