// What this browser keeps as a rider's phone, in IndexedDB, one record per rider: the Ed25519
// key pair (the private key is a non-extractable CryptoKey: script can sign with it, never read
// it), the phone and token ids from enrolment, the latest credential and the code counter.

const DATABASE = 'turnpike-phone';
const STORE = 'phones';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'riderId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

export const loadPhone = (riderId) => inStore('readonly', (store) => store.get(riderId));
export const savePhone = (phone) => inStore('readwrite', (store) => store.put(phone));
export const forgetPhone = (riderId) => inStore('readwrite', (store) => store.delete(riderId));
