// The confirmation every action asks for: a modal dialog, large enough to read on a projector.
import { h } from './dom';

export function confirmAction(question: string, verb: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm' });
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h('p', {}, question),
      h('div', { class: 'buttons' },
        h('button', { class: 'cancel', on: { click: () => finish(false) } }, 'Cancel'),
        h('button', { class: `confirm-yes${verb === 'Kill' ? ' danger' : ''}`, on: { click: () => finish(true) } }, verb),
      ),
    );
    dialog.addEventListener('cancel', () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
